/**
 * Bulk actions (issue 9, parts 5 and 8): select several notifications and mark them read, select
 * all matching a filter and archive them, delete with Undo, and reject several goals with one
 * reason. Screenshots at 1280 px and 375 px.
 */
import { beforeAll, expect, it } from 'vitest';
import { notify, sample } from '../../server/test/support/notifications.js';
import { demo, httpClient, login, type Client } from '../../server/test/support/server.js';
import { goalCard, screenshot, signIn, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();
const PHONE = { width: 375, height: 812 };
let bob: Client;
let bobId: number;
let alice: Client;
let sam: Client;

beforeAll(async () => {
  const session = await login(suite.url, demo.bob);
  bob = httpClient(suite.url, session.token);
  bobId = session.user.id;
  alice = httpClient(suite.url, (await login(suite.url, demo.alice)).token);
  sam = httpClient(suite.url, (await login(suite.url, demo.sam)).token);
});

const row = (tab: Tab, title: string) => tab.page.getByTestId('notification-row').filter({ hasText: title });
const select = (tab: Tab, title: string) => tab.page.getByRole('checkbox', { name: `Select "${title}"` }).check();
const bulkBar = (tab: Tab) => tab.page.getByTestId('bulk-bar');
/** Bob's notifications with these titles, as the server has them. */
async function bobsRows(titles: string[]) {
  const { items } = await bob.notifications.list.query({ view: 'all', limit: 100 });
  return items.filter((item) => titles.includes(item.title));
}

async function bobOnHistory(size?: { width: number; height: number }, query = ''): Promise<Tab> {
  const tab = await suite.openTab(size);
  await signIn(tab, demo.bob);
  await tab.page.goto(`/notifications${query}`);
  await tab.page.getByTestId('notification-history').waitFor();
  return tab;
}

it('selects several notifications and marks them read', async () => {
  const titles = ['Quarterly numbers', 'Team lunch', 'Hiring plan', 'Office move'];
  await notify(suite.db, titles.map((title, n) => sample(bobId, n, { title, type: 'GOAL_COMPLETED' })));
  const tab = await bobOnHistory();
  for (const title of titles.slice(0, 3)) await select(tab, title);
  await bulkBar(tab).getByText('3 notifications selected').waitFor();
  await screenshot(tab.page, 'bulk-selected-1280');
  await bulkBar(tab).getByRole('button', { name: 'Mark read' }).click();

  for (const title of titles.slice(0, 3)) await expect.poll(() => row(tab, title).getAttribute('data-read')).toBe('true');
  expect(await row(tab, 'Office move').getAttribute('data-read')).toBe('false');
  await bulkBar(tab).getByText('Select all shown').waitFor(); // the selection is done with
  const read = (await bobsRows(titles)).filter((item) => item.readAt).map((item) => item.title);
  expect(read.sort()).toEqual(titles.slice(0, 3).sort());

  const phone = await bobOnHistory(PHONE);
  await select(phone, 'Office move');
  await select(phone, 'Team lunch');
  await bulkBar(phone).getByText('2 notifications selected').waitFor();
  await screenshot(phone.page, 'bulk-selected-375');
  expect([...tab.consoleErrors(), ...phone.consoleErrors()]).toEqual([]);
});

it('selects all notifications matching the filter, beyond the loaded page, and archives them', async () => {
  const progress = Array.from({ length: 27 }, (_, n) => `Progress report ${n + 1}`);
  await notify(suite.db, progress.map((title, n) => sample(bobId, 100 + n, { title, type: 'GOAL_PROGRESS_UPDATED' })));
  await notify(suite.db, [sample(bobId, 200, { title: 'Not a progress report', type: 'GOAL_ACCEPTED' })]);
  const tab = await bobOnHistory(undefined, '?type=GOAL_PROGRESS_UPDATED');
  await expect.poll(() => tab.page.getByTestId('notification-row').count()).toBe(20);

  await bulkBar(tab).getByRole('checkbox', { name: 'Select all shown' }).check();
  const banner = tab.page.getByTestId('select-all-banner');
  await banner.getByRole('button', { name: 'Select all 27 matching this filter' }).click();
  await banner.getByText('All 27 notifications matching this filter are selected.').waitFor();
  await bulkBar(tab).getByText('27 notifications selected').waitFor();
  await screenshot(tab.page, 'bulk-all-matching-1280');
  await bulkBar(tab).getByRole('button', { name: 'Archive' }).click();

  await tab.page.getByText('No notifications match these filters').waitFor();
  const rows = await bobsRows([...progress, 'Not a progress report']);
  expect(rows.filter((item) => item.archivedAt).length).toBe(27);
  expect(rows.find((item) => item.title === 'Not a progress report')!.archivedAt).toBeNull();
  expect(tab.consoleErrors()).toEqual([]);
});

it('deletes with Undo: undone, nothing is deleted; otherwise deleted on the server after 5 s', async () => {
  const titles = ['Keep me after all', 'Delete me one', 'Delete me two'];
  await notify(suite.db, titles.map((title, n) => sample(bobId, 300 + n, { title, type: 'GOAL_COMPLETED' })));
  const tab = await bobOnHistory(PHONE);

  await row(tab, 'Keep me after all').getByRole('button', { name: 'Delete "Keep me after all"' }).click();
  await row(tab, 'Keep me after all').waitFor({ state: 'detached' });
  const undo = tab.page.getByRole('button', { name: 'Undo' });
  await tab.page.getByText('"Keep me after all" deleted').waitFor();
  await screenshot(tab.page, 'bulk-undo-375');
  await undo.click();
  await row(tab, 'Keep me after all').waitFor();

  await select(tab, 'Delete me one');
  await select(tab, 'Delete me two');
  await bulkBar(tab).getByRole('button', { name: 'Delete' }).click();
  await tab.page.getByText('2 notifications deleted').waitFor();
  await row(tab, 'Delete me one').waitFor({ state: 'detached' });
  expect((await bobsRows(titles)).length).toBe(3); // nothing sent while Undo is offered
  await expect.poll(async () => (await bobsRows(titles)).map((item) => item.title), { timeout: 10_000, interval: 250 }).toEqual(['Keep me after all']);
  expect(await row(tab, 'Delete me two').count()).toBe(0);
  expect(await row(tab, 'Keep me after all').count()).toBe(1);

  // Leaving the page while Undo is offered sends the deletion at once (pagehide), not never.
  await row(tab, 'Keep me after all').getByRole('button', { name: 'Delete "Keep me after all"' }).click();
  await tab.page.getByText('"Keep me after all" deleted').waitFor();
  await tab.page.goto('/goals');
  await expect.poll(async () => (await bobsRows(titles)).length, { timeout: 3_000, interval: 100 }).toBe(0);
  expect(tab.consoleErrors()).toEqual([]);
});

it('rejects several goals with one reason from the approvals page', async () => {
  const goals = [];
  for (const title of ['Learn Rust', 'Run a marathon', 'Write a book']) goals.push(await alice.goals.create.mutate({ type: 'INDIVIDUAL', title }));
  for (const size of [PHONE, undefined]) {
    const tab = await suite.openTab(size);
    await signIn(tab, demo.sam);
    await tab.page.goto('/approvals');
    await goalCard(tab.page, 'Learn Rust').waitFor();
    await tab.page.getByRole('checkbox', { name: 'Select "Learn Rust"' }).check();
    await tab.page.getByRole('checkbox', { name: 'Select "Write a book"' }).check();
    await tab.page.getByRole('button', { name: 'Reject selected (2)' }).click();
    const dialog = tab.page.getByRole('dialog', { name: 'Reject 2 goals' });
    await dialog.getByLabel('Reason').fill('Not this quarter');
    await screenshot(tab.page, `bulk-reject-reason-${size ? 375 : 1280}`);
    if (size) {
      await dialog.getByRole('button', { name: 'Back' }).click();
      expect(tab.consoleErrors()).toEqual([]);
      await tab.context.close();
      continue;
    }
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await goalCard(tab.page, 'Learn Rust').waitFor({ state: 'detached' });
    await goalCard(tab.page, 'Write a book').waitFor({ state: 'detached' });
    await goalCard(tab.page, 'Run a marathon').waitFor();
    await screenshot(tab.page, 'bulk-rejected-1280');
    expect(tab.consoleErrors()).toEqual([]);
    await tab.context.close();
  }
  const after = await Promise.all(goals.map((goal) => sam.goals.byId.query({ id: goal.id })));
  expect(after.map((goal) => [goal.title, goal.status, goal.lastReason])).toEqual([
    ['Learn Rust', 'REJECTED', 'Not this quarter'],
    ['Run a marathon', 'PENDING_APPROVAL', null],
    ['Write a book', 'REJECTED', 'Not this quarter'],
  ]);
});
