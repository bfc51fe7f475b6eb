/**
 * Details of issue 9: a deep link to a notification (`/goals/42?notification=7`) opens its goal
 * and reads it, in a new tab and on reload; the sign-in form starts in the email field and says
 * the server cannot be reached (not "Failed to fetch") when it is down. The history filters'
 * reload is in inbox.test.ts.
 */
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD } from '@pms/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDatabase } from '../../server/test/support/database.js';
import { demo, httpClient, login, startTestServer, type Client, type TestServer } from '../../server/test/support/server.js';
import { bellWithUnread, launchBrowser, openTab, screenshot, signIn } from './support/browser.js';
import { WEB_DIST } from './support/paths.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let server: TestServer;
let serverUp = false;
let browser: Browser;
let alice: Client;
let sam: Client;

beforeAll(async () => {
  database = await freshDatabase();
  [server, browser] = await Promise.all([startTestServer({ databaseUrl: database.url, seed: true, env: { WEB_DIST } }), launchBrowser()]);
  serverUp = true;
  alice = httpClient(server.url, (await login(server.url, demo.alice)).token);
  sam = httpClient(server.url, (await login(server.url, demo.sam)).token);
});
afterAll(async () => {
  await browser?.close();
  if (serverUp) await server?.app.close();
  await server?.db.destroy();
  await database?.drop();
});

it('opens the goal of a deep link in a new tab and reads the notification, also on reload', async () => {
  const tab = await openTab(browser, server.url);
  await signIn(tab, demo.sam);
  const goal = await alice.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Publish the API style guide' });
  await bellWithUnread(tab.page, 1).waitFor();
  const [notification] = (await sam.notifications.list.query({ limit: 1 })).items;
  expect(notification!.data.goalId).toBe(goal.id);

  // Nothing has shown it yet (the bell would mark it seen): the deep link reads and sees it.
  const href = `/goals/${goal.id}?notification=${notification!.id}`;
  const newTab = await tab.context.newPage();
  await newTab.goto(href);
  await newTab.getByTestId('goal-detail').getByText('Publish the API style guide').first().waitFor();
  // Read (and so seen) on the server; the id leaves the address; the first tab's badge follows live.
  await newTab.waitForURL((url) => url.pathname === `/goals/${goal.id}` && url.search === '');
  await expect.poll(async () => (await sam.notifications.list.query({ limit: 1 })).items[0]).toMatchObject({ readAt: expect.any(Date), seenAt: expect.any(Date) });
  await bellWithUnread(tab.page, 0).waitFor();
  await screenshot(newTab, 'deep-link-goal-1280');
  // The row in the bell is that link, so a person may open it in a new tab (a plain click opens it here).
  await tab.page.getByTestId('bell').click();
  const row = tab.page.getByTestId('bell-dropdown').getByRole('link', { name: /Goal awaiting your approval/ });
  expect(await row.getAttribute('href')).toBe(href);
  await tab.page.keyboard.press('Escape');
  await newTab.reload();
  await newTab.getByTestId('goal-detail').getByText('Publish the API style guide').first().waitFor();
  expect((await sam.notifications.stats.query()).unreadCount).toBe(0);

  // A link to a notification that is not yours says so, and still shows the page.
  await newTab.goto(`/goals/${goal.id}?notification=999999`);
  await newTab.getByText('No notification with id 999999').waitFor();
  await newTab.getByTestId('goal-detail').waitFor();
  expect(tab.consoleErrors()).toEqual([]);
  await tab.context.close();
});

it('starts in the email field, and says the server cannot be reached when it is down', async () => {
  const tab = await openTab(browser, server.url, { width: 375, height: 812 });
  await tab.page.goto('/');
  const email = tab.page.getByLabel('Email');
  await email.waitFor();
  expect(await email.evaluate((element) => element === document.activeElement)).toBe(true);
  await tab.page.keyboard.type(demo.bob); // typing goes straight into it
  expect(await email.inputValue()).toBe(demo.bob);

  await server.app.close();
  serverUp = false;
  tab.allowConsoleErrors(/net::ERR_CONNECTION_REFUSED|WebSocket connection to .* failed/);
  await tab.page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  const alert = tab.page.getByRole('alert').filter({ hasText: 'Cannot reach the server' });
  await alert.waitFor();
  expect(await alert.textContent()).not.toContain('Failed to fetch');
  await screenshot(tab.page, 'sign-in-unreachable-375');
  expect(tab.consoleErrors()).toEqual([]);
  await tab.context.close();
});
