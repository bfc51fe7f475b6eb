/**
 * Builds the SPA once for the browser suite (the server under test serves apps/web/dist
 * from its own origin, as in production) and checks that Chromium is installed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { CHROMIUM, WEB_DIST, WEB_ROOT } from './paths.js';

export default async function setup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: run \`sh apps/web/scripts/install-chromium.sh\` (or set CHROMIUM_PATH)`);
  }
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`vite build did not produce ${WEB_DIST}/index.html`);
}
