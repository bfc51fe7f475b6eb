/**
 * A burst (issue 9): a supervisee submits 25 goals in a row. The supervisor's screens show them as
 * one group, in a toast, the bell and the history list ("… submitted 25 goals …"), with at most
 * a few toasts and one summary; approving all from the group's toast resolves the 25 on both of
 * the supervisor's devices. Also: Reject all (one reason) and Archive all from a group.
 * Screenshots at 1280 px and 375 px.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { demo, httpClient, login, type Client } from '../../server/test/support/server.js';
import { bellWithUnread, markPage, navigate, screenshot, signIn, toast, wasReloaded, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();
const PHONE = { width: 375, height: 812 };
let carol: Client;
let dave: Client;
let olivia: Client;
let carolName: string;
let daveName: string;

beforeAll(async () => {
  const client = async (email: string) => httpClient(suite.url, (await login(suite.url, email)).token);
  [carol, dave, olivia] = await Promise.all([client(demo.carol), client(demo.dave), client(demo.olivia)]);
  const supervisees = await olivia.users.supervisees.query();
  carolName = supervisees.find((person) => person.email === demo.carol)!.name;
  daveName = supervisees.find((person) => person.email === demo.dave)!.name;
});

const bellDropdown = (tab: Tab) => tab.page.getByRole('dialog', { name: /^Notifications/ });
const group = (scope: Page | ReturnType<typeof bellDropdown>, summary: string) => scope.getByTestId('notification-group').filter({ hasText: summary });
const openToasts = '[data-testid="toast"], [data-testid="toast-group"]';

/** Records the most toasts (and summary toasts) the page ever showed at once, from now on. */
async function recordMostToasts(page: Page): Promise<void> {
  await page.evaluate((selector) => {
    const most = { toasts: 0, summaries: 0 };
    Object.assign(window, { __pmsMostToasts: most });
    new MutationObserver(() => {
      most.toasts = Math.max(most.toasts, document.querySelectorAll(selector).length);
      most.summaries = Math.max(most.summaries, document.querySelectorAll('[data-testid="toast-summary"]').length);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, openToasts);
}
const mostToasts = (page: Page) => page.evaluate(() => (window as unknown as { __pmsMostToasts: { toasts: number; summaries: number } }).__pmsMostToasts);

/** How much of the viewport's height the toasts (summary included) cover. */
const toastCover = (page: Page) =>
  page.evaluate(
    (selector) => Array.from(document.querySelectorAll(selector)).reduce((sum, element) => sum + element.getBoundingClientRect().height, 0) / window.innerHeight,
    `${openToasts}, [data-testid="toast-summary"]`,
  );

it('shows 25 submissions in a row as one group with few toasts, and approving all from it resolves them on both devices', async () => {
  const laptop = await suite.openTab();
  const phone = await suite.openTab(PHONE);
  await signIn(laptop, demo.olivia);
  await signIn(phone, demo.olivia);
  await Promise.all([bellWithUnread(laptop.page, 0).waitFor(), bellWithUnread(phone.page, 0).waitFor()]);
  await markPage(laptop.page);
  for (const tab of [laptop, phone]) await recordMostToasts(tab.page);

  // Dave's one request first, then Carol's 25 as fast as the API takes them.
  const daves = await dave.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Pair on the billing migration' });
  const goals = [];
  for (let n = 1; n <= 25; n++) goals.push(await carol.goals.create.mutate({ type: 'INDIVIDUAL', title: `Quarterly goal number ${n}` }));
  const summary = `${carolName} submitted 25 goals for approval`;
  await Promise.all([bellWithUnread(laptop.page, 26).waitFor(), bellWithUnread(phone.page, 26).waitFor()]);

  // The laptop: Dave's toast and one for Carol's group, nothing else.
  const groupToast = laptop.page.getByTestId('toast-group').filter({ hasText: summary });
  await groupToast.waitFor();
  expect(await groupToast.getAttribute('data-count')).toBe('25');
  await toast(laptop.page, 'Pair on the billing migration').waitFor();
  await screenshot(laptop.page, 'burst-toasts-1280');
  // The phone has room for one toast: Dave's came first, Carol's 25 are counted by the summary.
  await phone.page.getByTestId('toast-summary').filter({ hasText: '25 more notifications' }).waitFor();
  await screenshot(phone.page, 'burst-toasts-375');
  expect(await toastCover(phone.page)).toBeLessThan(0.5);
  expect(await mostToasts(laptop.page)).toEqual({ toasts: 2, summaries: 0 });
  expect(await mostToasts(phone.page)).toEqual({ toasts: 1, summaries: 1 });

  // Approve all, from the group's toast: each is decided on the server, the 25 resolve everywhere.
  await groupToast.getByRole('button', { name: 'Approve all 25' }).click();
  await groupToast.waitFor({ state: 'detached', timeout: 30_000 });
  await Promise.all([bellWithUnread(laptop.page, 1).waitFor(), bellWithUnread(phone.page, 1).waitFor()]);
  await phone.page.getByTestId('toast-summary').waitFor({ state: 'detached' });
  for (const goal of goals) expect((await carol.goals.byId.query({ id: goal.id })).status).toBe('ACTIVE');

  // Dave's, approved from the phone's toast: nothing is left on either badge.
  await toast(phone.page, 'Pair on the billing migration').getByRole('button', { name: 'Approve' }).click();
  await Promise.all([bellWithUnread(laptop.page, 0).waitFor(), bellWithUnread(phone.page, 0).waitFor()]);
  await toast(laptop.page, 'Pair on the billing migration').waitFor({ state: 'detached' });
  expect((await dave.goals.byId.query({ id: daves.id })).status).toBe('ACTIVE');
  expect(await olivia.notifications.stats.query()).toMatchObject({ unreadCount: 0, unseenCount: 0 });

  // The bell: one group row for the 25 (loaded whole, past the first page), all approved.
  await laptop.page.getByTestId('bell').click();
  const inBell = group(bellDropdown(laptop), summary);
  await inBell.getByText('25 approved').waitFor();
  expect(await inBell.getAttribute('data-count')).toBe('25');
  // Dave's, past the first page of 25, shows that the group was loaded whole.
  await bellDropdown(laptop).getByTestId('notification-row').filter({ hasText: 'Pair on the billing migration' }).waitFor();
  expect(await bellDropdown(laptop).getByTestId('notification-group').count()).toBe(1);
  await screenshot(laptop.page, 'burst-bell-1280');
  await laptop.page.keyboard.press('Escape');

  // The history list: the same single group.
  await navigate(laptop.page, 'Notifications');
  await group(laptop.page, summary).getByText('25 approved').waitFor();
  expect(await laptop.page.getByTestId('notification-group').count()).toBe(1);
  await screenshot(laptop.page, 'burst-history-1280');
  await phone.page.getByTestId('bell').click();
  await group(bellDropdown(phone), summary).getByText('25 approved').waitFor();
  await screenshot(phone.page, 'burst-bell-375');

  expect(await wasReloaded(laptop.page)).toBe(false);
  for (const tab of [laptop, phone]) {
    expect(tab.consoleErrors()).toEqual([]);
    await tab.context.close();
  }
});

it('rejects a whole group with one reason asked in place, then archives it', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.olivia);
  const titles = ['Rewrite the build in Bazel', 'Move the wiki to a new tool', 'Replace the coffee machine'];
  const goals = [];
  for (const title of titles) goals.push(await dave.goals.create.mutate({ type: 'INDIVIDUAL', title }));
  await tab.page.getByTestId('bell').click();
  const submitted = group(bellDropdown(tab), `${daveName} submitted 3 goals for approval`);
  // Carol's 25 follow, loaded whole though the first page ends inside them (it holds Dave's 3 and 22 of hers).
  await group(bellDropdown(tab), `${carolName} submitted 25 goals for approval`).waitFor();
  await submitted.getByRole('button', { name: 'Reject all 3' }).click();
  // One reason for the three, asked in place.
  const reason = 'Not this quarter: the roadmap is full';
  await submitted.getByLabel('Why reject all 3?').fill(reason);
  await screenshot(tab.page, 'group-reject-all-reason-1280');
  await submitted.getByRole('button', { name: 'Reject 3 goals' }).click();
  await submitted.getByTestId('group-outcome').filter({ hasText: 'Rejected 3 of 3.' }).waitFor();
  await submitted.getByText('3 rejected').waitFor();
  for (const goal of goals) expect(await dave.goals.byId.query({ id: goal.id })).toMatchObject({ status: 'REJECTED', lastReason: reason });

  // Archive all: the group leaves the inbox, on the server too.
  const archivedBefore = (await olivia.notifications.stats.query()).archivedCount;
  await submitted.getByRole('button', { name: 'Archive all' }).click();
  await submitted.waitFor({ state: 'detached' });
  await expect.poll(async () => (await olivia.notifications.stats.query()).archivedCount).toBe(archivedBefore + 3);
  expect(tab.consoleErrors()).toEqual([]);
});
