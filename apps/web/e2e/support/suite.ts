/**
 * The set-up most browser test files share: one server over a fresh seeded database, serving
 * the built SPA, and one Chromium, both started before the file's tests and closed after them.
 * The tabs a test opens are closed after it, passed or failed, so no test leaves a socket behind
 * for the next one to count, or an open bell that marks the next one's notifications seen.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/support/server.js';
import { launchBrowser, openTab, type Tab, type TabOptions } from './browser.js';
import { WEB_DIST } from './paths.js';

export interface BrowserSuite {
  /** The server's base URL, for API calls made outside the browser. */
  readonly url: string;
  /** The server's database, to arrange what no screen makes (many notifications at once). */
  readonly db: TestServer['db'];
  /** A new browser context (another person, or another device) on the app, closed after the test. */
  openTab(options?: TabOptions): Promise<Tab>;
}

/** Call at the top of a test file: registers the hooks, and its fields work once they have run. */
export function browserSuite(): BrowserSuite {
  let server: TestServer;
  let browser: Browser;
  const opened = new Set<BrowserContext>();
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { WEB_DIST } }), launchBrowser()]);
  });
  afterEach(async () => {
    await Promise.all([...opened].map((context) => context.close()));
    opened.clear();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get url() {
      return server.url;
    },
    get db() {
      return server.db;
    },
    openTab: async (options) => {
      const tab = await openTab(browser, server.url, options);
      opened.add(tab.context);
      return tab;
    },
  };
}
