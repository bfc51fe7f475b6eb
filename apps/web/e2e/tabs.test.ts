/**
 * One socket per browser (issue 9): three tabs of one browser, signed in as one person, share
 * the leading tab's WebSocket. The leader closes while notifications stream in; another tab
 * takes over, and every remaining tab's bell shows each notification exactly once, with the
 * same badge. Another device (a second browser context) keeps a socket of its own.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { demo, httpClient, login, type Client } from '../../server/test/support/server.js';
import { bellWithUnread, collectConsoleErrors, connection, screenshot, signIn, unreadOn, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();
let alice: Client;
let admin: Client;
let aliceName: string;

beforeAll(async () => {
  alice = httpClient(suite.url, (await login(suite.url, demo.alice)).token);
  admin = httpClient(suite.url, (await login(suite.url, demo.admin)).token);
  aliceName = (await alice.auth.me.query()).name;
});

/** "Within seconds": how long a takeover (or the server's presence figures) may take. */
const SECONDS = { timeout: 5000 };

/** Alice submits a goal: Sam, her supervisor, is asked to approve it. */
const submit = (title: string) => alice.goals.create.mutate({ type: 'INDIVIDUAL', title });

/** Sockets the server counts (every instance's presence row). */
const serverSockets = async () => (await admin.notifications.connectionStats.query()).totals.sockets;

/** A tRPC message over the socket (inputs in superjson's wrapper). */
interface SentMessage {
  method?: string;
  params?: { path?: string; input?: { json?: { lastEventId?: string } } };
}

/** Where a page's sockets started (or resumed) the notification stream: the `lastEventId` each subscription sent. */
const notificationStarts = new Map<Page, number[]>();

/**
 * Counts, in each document of the context, the WebSockets it has open (`window.__openSockets`):
 * exact across reloads, which end a document's sockets without telling playwright.
 */
async function countSockets(context: BrowserContext) {
  await context.addInitScript(() => {
    let open = 0;
    class Counted extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        open += 1;
        this.addEventListener('close', () => (open -= 1), { once: true });
      }
    }
    Object.defineProperty(window, 'WebSocket', { value: Counted });
    Object.defineProperty(window, '__openSockets', { get: () => open });
  });
}

const socketsOf = (page: Page) => page.evaluate(() => (window as unknown as { __openSockets: number }).__openSockets);
const socketsIn = async (...pages: Page[]) => (await Promise.all(pages.map(socketsOf))).reduce((sum, count) => sum + count, 0);

/** Records where each of the page's sockets subscribes to the notification stream. */
function recordStarts(page: Page) {
  const starts: number[] = [];
  notificationStarts.set(page, starts);
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const text = String(payload);
      if (!text.startsWith('{') && !text.startsWith('[')) return; // PING
      for (const message of [JSON.parse(text) as SentMessage].flat()) {
        const input = message.params?.input?.json;
        if (message.method === 'subscription' && message.params?.path === 'notifications.onEvent' && input?.lastEventId) {
          starts.push(Number(input.lastEventId));
        }
      }
    });
  });
}

/** Another tab of the same browser context (same cookies, same Web Locks and BroadcastChannel), signed in already. */
async function anotherTab(first: Tab): Promise<Tab> {
  const page = await first.context.newPage();
  const errors = collectConsoleErrors(page);
  recordStarts(page);
  await page.goto('/');
  await page.getByTestId('user-menu').waitFor();
  await connection(page, 'connected').waitFor();
  return { page, context: first.context, consoleErrors: () => errors, allowConsoleErrors: () => {} };
}

/** Opens the bell and shows Alice's submissions, which arrive as one group of `count`; returns the goals they name. */
async function bellTitles(page: Page, count: number): Promise<string[]> {
  await page.getByTestId('bell').click();
  const dropdown = page.getByTestId('bell-dropdown');
  const group = dropdown.getByTestId('notification-group').filter({ hasText: `${aliceName} submitted ${count} goals for approval` });
  await group.waitFor();
  expect(await dropdown.getByTestId('notification-group').count()).toBe(1);
  await group.getByRole('button', { name: `Show ${count}`, exact: true }).click();
  const rows = group.getByTestId('group-members').getByTestId('notification-row');
  await expect.poll(() => rows.count()).toBe(count);
  return (await rows.allInnerTexts()).map((text) => text.match(/Quarterly goal \d+/)?.[0] ?? text);
}

it('three tabs share one socket; the leader closes mid-stream and another takes over, nothing missed or doubled', async () => {
  const first = await suite.openTab();
  await countSockets(first.context);
  recordStarts(first.page);
  await signIn(first, demo.sam);
  const second = await anotherTab(first);
  const third = await anotherTab(first);

  // The first tab leads; the others found it holding the lock and let their own sockets go.
  await expect.poll(() => socketsIn(first.page, second.page, third.page)).toBe(1);
  expect(await socketsOf(first.page)).toBe(1);
  await expect.poll(serverSockets, SECONDS).toBe(1);

  const titles = Array.from({ length: 8 }, (_, index) => `Quarterly goal ${index + 1}`);
  for (const title of titles.slice(0, 3)) await submit(title);
  for (const page of [first.page, second.page, third.page]) await bellWithUnread(page, 3).waitFor();

  // A stream of submissions; the leading tab closes once the first of them has reached the
  // others (at least: two that arrive together show as one step of the badge).
  const streaming = (async () => {
    for (const title of titles.slice(3)) {
      await submit(title);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  await expect.poll(() => unreadOn(second.page), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  await first.page.close();
  await streaming;

  // Another tab took over: one socket again, and both bells count all eight, unseen.
  await expect.poll(() => socketsIn(second.page, third.page), SECONDS).toBe(1);
  await expect.poll(serverSockets, SECONDS).toBe(1);
  for (const page of [second.page, third.page]) {
    await bellWithUnread(page, 8).waitFor();
    await connection(page, 'connected').waitFor();
  }
  await screenshot(second.page, 'tabs-after-takeover-badge-1280');
  // The new leader resumed from an event the tabs had been relayed, not from where the first started.
  const leader = (await socketsOf(second.page)) === 1 ? second.page : third.page;
  const [firstStart] = notificationStarts.get(first.page)!;
  const [resumedAt] = notificationStarts.get(leader)!;
  expect(firstStart).toBeDefined();
  expect(resumedAt).toBeGreaterThan(firstStart!);

  // Each bell lists every notification exactly once.
  const [inSecond, inThird] = [await bellTitles(second.page, 8), await bellTitles(third.page, 8)];
  expect([...inSecond].sort()).toEqual([...titles].sort());
  expect([...inThird].sort()).toEqual([...titles].sort());
  // Opening the bell marked them seen: every tab's badge follows.
  for (const page of [second.page, third.page]) await bellWithUnread(page, 0).waitFor();
  await screenshot(second.page, 'tabs-after-takeover-second-1280');
  await screenshot(third.page, 'tabs-after-takeover-third-1280');

  // Still live through the new leader.
  await submit('After the takeover');
  for (const page of [second.page, third.page]) await page.getByTestId('bell-dropdown').getByText('After the takeover').waitFor();

  expect(first.consoleErrors()).toEqual([]);
  expect(second.consoleErrors()).toEqual([]);
  expect(third.consoleErrors()).toEqual([]);
});

it('another device (another browser context) has a socket of its own', async () => {
  const laptop = await suite.openTab();
  const phone = await suite.openTab({ width: 390, height: 844 });
  await Promise.all([countSockets(laptop.context), countSockets(phone.context)]);
  await signIn(laptop, demo.sam);
  await signIn(phone, demo.sam);
  await expect.poll(() => socketsOf(laptop.page)).toBe(1);
  await expect.poll(() => socketsOf(phone.page)).toBe(1);
  await expect.poll(serverSockets, SECONDS).toBe(2);

  await submit('Seen on both devices');
  for (const tab of [laptop, phone]) await tab.page.getByTestId('toast').filter({ hasText: 'Seen on both devices' }).waitFor();
  expect(laptop.consoleErrors()).toEqual([]);
  expect(phone.consoleErrors()).toEqual([]);
});

it("signing out in one tab signs out every tab; the next person's tabs share a socket of their own", async () => {
  const first = await suite.openTab();
  await countSockets(first.context);
  await signIn(first, demo.sam);
  const second = await anotherTab(first);
  const third = await anotherTab(first);
  await expect.poll(() => socketsIn(first.page, second.page, third.page)).toBe(1);

  // Signed out in the leading tab: another takes over, finds the session ended, and tells the third.
  await first.page.getByTestId('user-menu').click();
  await first.page.getByRole('menuitem', { name: 'Sign out' }).click();
  for (const tab of [first, second, third]) await tab.page.getByLabel('Email').waitFor();
  await third.page.close();

  // Alice signs in in the second tab; the first one, reloaded, is hers too.
  await signIn(second, demo.alice);
  await first.page.goto('/');
  await first.page.getByTestId('user-name').filter({ hasText: aliceName }).waitFor();
  await connection(first.page, 'connected').waitFor();
  await expect.poll(() => socketsIn(first.page, second.page)).toBe(1);
  await expect.poll(serverSockets, SECONDS).toBe(1);

  // Sam's news is not theirs; Alice's reaches both tabs once.
  await submit('Only Sam is asked about this');
  const sam = httpClient(suite.url, (await login(suite.url, demo.sam)).token);
  const aliceId = (await sam.users.supervisees.query()).find((person) => person.email === demo.alice)!.id;
  await sam.goals.assign.mutate({ superviseeId: aliceId, title: 'Only Alice hears of this' });
  for (const tab of [first, second]) {
    await tab.page.getByTestId('toast').filter({ hasText: 'Only Alice hears of this' }).waitFor();
    expect(await tab.page.getByTestId('toast').filter({ hasText: 'Only Sam is asked about this' }).count()).toBe(0);
  }
  expect(first.consoleErrors()).toEqual([]);
  expect(second.consoleErrors()).toEqual([]);
});
