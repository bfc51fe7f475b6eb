/**
 * Grouping (issue 9): five goals one supervisee submits arrive in the supervisor's bell as one
 * group, which expands into its five requests and approves them all at once. Screenshots at
 * 1280 px and 375 px.
 */
import { beforeAll, expect, it } from 'vitest';
import { demo, httpClient, login, type Client } from '../../server/test/support/server.js';
import { bellWithUnread, markPage, navigate, screenshot, signIn, wasReloaded, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();
const PHONE = { width: 375, height: 812 };
const TITLES = ['Cut build time in half', 'Document the billing API', 'Run the accessibility audit', 'Retire the legacy cron jobs', 'Onboard the new designer'];
let alice: Client;
let sam: Client;
let aliceName: string;

beforeAll(async () => {
  alice = httpClient(suite.url, (await login(suite.url, demo.alice)).token);
  sam = httpClient(suite.url, (await login(suite.url, demo.sam)).token);
  aliceName = (await sam.users.supervisees.query()).find((person) => person.email === demo.alice)!.name;
});

const bellDropdown = (tab: Tab) => tab.page.getByRole('dialog', { name: /^Notifications/ });
const group = (scope: ReturnType<typeof bellDropdown> | Tab['page'], text: string) => scope.getByTestId('notification-group').filter({ hasText: text });

it('collapses five submissions into one group, expands it, and approves them all', async () => {
  const laptop = await suite.openTab();
  await signIn(laptop, demo.sam);
  await markPage(laptop.page);
  const goals = [];
  // One after another: the group's order is the submissions' order.
  for (const title of TITLES) goals.push(await alice.goals.create.mutate({ type: 'INDIVIDUAL', title }));
  await bellWithUnread(laptop.page, 5).waitFor();

  await laptop.page.getByTestId('bell').click();
  const dropdown = bellDropdown(laptop);
  const summary = `${aliceName} submitted 5 goals for approval`;
  const submitted = group(dropdown, summary);
  await submitted.waitFor();
  // Collapsed: one row for the five, none of its members listed on their own.
  expect(await submitted.getAttribute('data-count')).toBe('5');
  expect(await dropdown.getByTestId('notification-row').filter({ hasText: 'Cut build time in half' }).count()).toBe(0);
  expect(await submitted.getAttribute('data-read')).toBe('false');
  await screenshot(laptop.page, 'group-bell-collapsed-1280');
  const phone = await suite.openTab(PHONE);
  await signIn(phone, demo.sam);
  await phone.page.getByTestId('bell').click();
  await group(bellDropdown(phone), summary).getByRole('button', { name: 'Approve all 5' }).waitFor();
  await screenshot(phone.page, 'group-bell-collapsed-375');
  await phone.page.keyboard.press('Escape');

  await submitted.getByRole('button', { name: 'Show 5' }).click();
  const members = submitted.getByTestId('group-members').getByTestId('notification-row');
  await expect.poll(() => members.count()).toBe(5);
  // Newest first, each with its own actions.
  expect(await members.first().textContent()).toContain('Onboard the new designer');
  expect(await members.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(5);
  await screenshot(laptop.page, 'group-bell-expanded-1280');

  // Mark all read: every member at once, and the group with them.
  await submitted.getByRole('button', { name: 'Mark all read' }).click();
  await expect.poll(() => members.and(laptop.page.locator('[data-read="true"]')).count()).toBe(5);
  expect(await submitted.getAttribute('data-read')).toBe('true');
  expect(await submitted.getByRole('button', { name: 'Mark all read' }).count()).toBe(0);
  await expect.poll(async () => (await sam.notifications.stats.query()).unreadCount).toBe(0);

  await submitted.getByRole('button', { name: 'Approve all 5' }).click();
  await submitted.getByTestId('group-outcome').filter({ hasText: 'Approved 5 of 5.' }).waitFor();
  await expect.poll(() => members.getByTestId('resolution').filter({ hasText: 'Approved by you' }).count()).toBe(5);
  // Decided: nothing open is left, so no Approve all.
  expect(await submitted.getByRole('button', { name: /^Approve all/ }).count()).toBe(0);
  expect(await submitted.getByRole('alert').count()).toBe(0);
  await screenshot(laptop.page, 'group-bell-approved-1280');

  for (const goal of goals) expect((await alice.goals.byId.query({ id: goal.id })).status).toBe('ACTIVE');

  // The history list groups them too, and says how they were decided.
  await laptop.page.keyboard.press('Escape');
  await navigate(laptop.page, 'Notifications');
  const inHistory = group(laptop.page, summary);
  await inHistory.getByText('5 approved').waitFor();
  await inHistory.getByRole('button', { name: 'Show 5' }).click();
  await expect.poll(() => inHistory.getByTestId('resolution').count()).toBe(5);
  await screenshot(laptop.page, 'group-history-expanded-1280');
  expect(await wasReloaded(laptop.page)).toBe(false);
  expect(laptop.consoleErrors()).toEqual([]);
  await laptop.context.close();

  // On the phone: the same group, in the bell and in the history list, its members decided.
  await phone.page.getByTestId('bell').click();
  const onPhone = group(bellDropdown(phone), summary);
  await onPhone.getByRole('button', { name: 'Show 5' }).click();
  await expect.poll(() => onPhone.getByTestId('resolution').count()).toBe(5);
  await screenshot(phone.page, 'group-bell-expanded-375');
  await phone.page.keyboard.press('Escape');

  await phone.page.goto('/notifications');
  await group(phone.page, summary).getByText('5 approved').waitFor();
  await screenshot(phone.page, 'group-history-375');
  expect(phone.consoleErrors()).toEqual([]);
});

it('names the goal Approve all could not approve, with the server\'s message, and counts it out', async () => {
  const tab = await suite.openTab();
  const titles = ['Speed up the test suite', 'Host the security workshop', 'Map the data retention rules'];
  const goals = [];
  for (const title of titles) goals.push(await alice.goals.create.mutate({ type: 'INDIVIDUAL', title }));
  const cancelled = goals[1]!;
  // Alice cancels this goal just before Sam's approval of it reaches the server: the server refuses it.
  await tab.page.routeWebSocket(/\/trpc/, (page) => {
    const server = page.connectToServer();
    page.onMessage(async (message) => {
      if (typeof message === 'string' && approvesGoal(message, cancelled.id)) await alice.goals.cancel.mutate({ id: cancelled.id });
      server.send(message);
    });
  });
  await signIn(tab, demo.sam);
  await tab.page.getByTestId('bell').click();
  // The five decided in the first test lead the run too: the group counts them, but not as open.
  const submitted = group(bellDropdown(tab), `${aliceName} submitted 8 goals for approval`);
  await submitted.getByText('5 approved').waitFor();
  await submitted.getByRole('button', { name: 'Approve all 3' }).click();
  await submitted.getByTestId('group-outcome').filter({ hasText: 'Approved 2 of 3.' }).waitFor();
  const failure = submitted.getByRole('alert').filter({ hasText: 'Not approved: "Host the security workshop": ' });
  await failure.waitFor();
  await screenshot(tab.page, 'group-bell-approve-all-failed-1280');

  expect((await failure.textContent())!.length).toBeGreaterThan('Not approved: "Host the security workshop": '.length);
  expect(await Promise.all(goals.map(async (goal) => (await alice.goals.byId.query({ id: goal.id })).status))).toEqual(['ACTIVE', 'CANCELLED', 'ACTIVE']);
  await submitted.getByText('7 approved, 1 cancelled').waitFor();
  expect(tab.consoleErrors()).toEqual([]);
});

/** Whether a tRPC WebSocket message (one request or a batch) asks to approve this goal. */
function approvesGoal(message: string, goalId: number): boolean {
  const requests = [JSON.parse(message)].flat() as Array<{ params?: { path?: string; input?: { json?: { id?: number }; id?: number } } }>;
  return requests.some(({ params }) => params?.path === 'goals.approve' && (params.input?.json?.id ?? params.input?.id) === goalId);
}
