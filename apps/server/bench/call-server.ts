/**
 * A server under bench:calls: the real app on DATABASE_URL, configured through the environment.
 * bench:calls bundles this file twice, from the working tree and from an earlier commit, so that
 * both servers start the same way and differ only in their code.
 */
import { createApp } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { serveParent } from './children.js';

const app = await createApp(parseEnv(process.env), process.env.DATABASE_URL!);
const { port } = await app.listen();
serveParent(async (message) => {
  if (message.type === 'stop') {
    await app.close();
    setImmediate(() => process.exit(0));
  }
  return {};
});
process.send?.({ type: 'ready', port });
