/**
 * Scenario 4: the server restarts mid-session (closed, then a new app on the same database
 * and the same port). The indicator shows reconnecting, then connected; a notification
 * created just after the restart arrives without a reload, and nothing shows twice. Also: the
 * browser going offline, and a part of the app whose code never arrives.
 */
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD } from '@pms/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../server/src/app.js';
import { freshDatabase } from '../../server/test/support/database.js';
import { demo, httpClient, login, startTestServer, testEnv, type TestServer } from '../../server/test/support/server.js';
import { bellWithUnread, connection, goalCard, launchBrowser, markPage, navigate, openTab, screenshot, signIn, toast, wasReloaded } from './support/browser.js';
import { WEB_DIST } from './support/paths.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let first: TestServer;
let second: App | undefined;
let browser: Browser;

beforeAll(async () => {
  database = await freshDatabase();
  [first, browser] = await Promise.all([startTestServer({ databaseUrl: database.url, seed: true, env: { WEB_DIST } }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await second?.close();
  await first?.db.destroy();
  await database?.drop();
});

async function submitAsAlice(url: string, title: string) {
  const alice = httpClient(url, (await login(url, demo.alice)).token);
  return alice.goals.create.mutate({ type: 'INDIVIDUAL', title });
}

it('reconnects after a restart and resumes the stream: nothing missed, nothing twice', async () => {
  const sam = await openTab(browser, first.url);
  await signIn(sam, demo.sam);
  await markPage(sam.page);
  await navigate(sam.page, 'Pending approvals');
  await sam.page.getByText('Nothing awaiting your approval').waitFor();
  await bellWithUnread(sam.page, 0).waitFor();

  // While the server is down the browser itself logs each refused WebSocket attempt.
  sam.allowConsoleErrors(/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/trpc' failed/);
  await first.app.close();
  await connection(sam.page, 'reconnecting').waitFor();
  await screenshot(sam.page, 'reconnecting');

  second = await createApp(testEnv({ WEB_DIST, PORT: new URL(first.url).port }), database.url);
  await second.listen();
  const afterRestart = 'Plan the Q3 customer interviews';
  await submitAsAlice(first.url, afterRestart);

  await connection(sam.page, 'connected').waitFor();
  await toast(sam.page, afterRestart).waitFor();
  await goalCard(sam.page, afterRestart).waitFor();
  await bellWithUnread(sam.page, 1).waitFor();

  // A second notification is the barrier: once it is shown, any copy of the first would be too.
  // It joins the first's toast (Alice's submissions share a group), which counts two, not three.
  const next = 'Shorten the release checklist';
  await submitAsAlice(first.url, next);
  const both = sam.page.getByTestId('toast-group').filter({ hasText: 'submitted 2 goals for approval' });
  await both.waitFor();
  await bellWithUnread(sam.page, 2).waitFor();
  expect(await both.getAttribute('data-count')).toBe('2');
  expect(await sam.page.getByTestId('toast-group').count()).toBe(1);
  expect(await toast(sam.page, afterRestart).count()).toBe(0);
  expect(await goalCard(sam.page, afterRestart).count()).toBe(1);
  // In the bell: Alice's two submissions as one group of two, each listed once.
  await sam.page.getByTestId('bell').click();
  const dropdown = sam.page.getByTestId('bell-dropdown');
  const submitted = dropdown.getByTestId('notification-group');
  await submitted.waitFor();
  expect(await submitted.getAttribute('data-count')).toBe('2');
  await submitted.getByRole('button', { name: 'Show 2', exact: true }).click();
  const rows = dropdown.getByTestId('notification-row');
  await rows.nth(1).waitFor();
  expect(await rows.count()).toBe(2);
  for (const title of [afterRestart, next]) expect(await rows.filter({ hasText: title }).count()).toBe(1);

  expect(await wasReloaded(sam.page)).toBe(false);
  expect(sam.consoleErrors()).toEqual([]);
});

it('shows offline while the browser has no network, and live again when it returns', async () => {
  const tab = await openTab(browser, first.url);
  await signIn(tab, demo.bob);
  await tab.context.setOffline(true);
  await connection(tab.page, 'offline').waitFor();
  await tab.context.setOffline(false);
  await connection(tab.page, 'connected').waitFor();
  expect(tab.consoleErrors()).toEqual([]);
});

it('shows an error, not a blank page, when part of the app cannot be downloaded', async () => {
  const tab = await openTab(browser, first.url);
  // The signed-in app is a chunk of its own: here, the network fails to deliver it.
  await tab.page.route('**/assets/shell-*.js', (route) => route.abort());
  tab.allowConsoleErrors(/Failed to load resource: net::ERR_FAILED|Failed to fetch dynamically imported module/);
  await tab.page.goto('/');
  await tab.page.getByLabel('Email').fill(demo.bob);
  await tab.page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByRole('alert').filter({ hasText: 'Could not show this page' }).waitFor();
  expect(tab.consoleErrors()).toEqual([]);
});
