/**
 * The inbox (issue 9): requests decided from the bell and from a toast, a decision on one
 * device clearing the other's badge, a burst as one toast, and the history page's filters kept
 * in the URL across a reload. Screenshots at 1280 px and 375 px.
 */
import { beforeAll, expect, it } from 'vitest';
import { demo, httpClient, login, type Client } from '../../server/test/support/server.js';
import { bellWithUnread, closeBell, markPage, navigate, screenshot, signIn, toast, unreadOn, wasReloaded, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();
const PHONE = { width: 375, height: 812 };
let alice: Client;
let sam: Client;
let aliceId: number;
let aliceName: string;
let samName: string;

beforeAll(async () => {
  alice = httpClient(suite.url, (await login(suite.url, demo.alice)).token);
  sam = httpClient(suite.url, (await login(suite.url, demo.sam)).token);
  const alicePerson = (await sam.users.supervisees.query()).find((person) => person.email === demo.alice)!;
  [aliceId, aliceName] = [alicePerson.id, alicePerson.name];
  samName = (await sam.auth.me.query()).name;
});

/** Alice submits a goal: Sam gets a request to approve or reject it. */
const submitForApproval = (title: string) => alice.goals.create.mutate({ type: 'INDIVIDUAL', title });
const goalStatus = async (id: number) => (await alice.goals.byId.query({ id })).status;
const bellDropdown = (tab: Tab) => tab.page.getByRole('dialog', { name: /^Notifications/ });
const row = (scope: Tab['page'] | ReturnType<typeof bellDropdown>, text: string) => scope.getByTestId('notification-row').filter({ hasText: text });
/** Consecutive notifications of one kind from one person collapse into a group row (groups.ts), found by its summary. */
const group = (scope: Tab['page'] | ReturnType<typeof bellDropdown>, summary: string) => scope.getByTestId('notification-group').filter({ hasText: summary });

/** Shows a collapsed group's members, each as its own row with its own actions. */
async function expand(group: ReturnType<typeof bellDropdown>, count: number) {
  expect(await group.getAttribute('data-count')).toBe(String(count));
  await group.getByRole('button', { name: `Show ${count}`, exact: true }).click();
  await expect.poll(() => group.getByTestId('group-members').getByTestId('notification-row').count()).toBe(count);
}

it('approves one request and rejects another with a reason, from the bell', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.sam);
  await markPage(tab.page);
  const approveMe = await submitForApproval('Automate the release notes');
  const rejectMe = await submitForApproval('Rewrite everything in Rust');
  await bellWithUnread(tab.page, 2).waitFor();

  // Opening the bell shows them (one group: the same person's submissions) and marks them seen:
  // the badge clears, they stay unread.
  await tab.page.getByTestId('bell').click();
  const dropdown = bellDropdown(tab);
  const submitted = group(dropdown, `${aliceName} submitted 2 goals for approval`);
  await submitted.waitFor();
  await bellWithUnread(tab.page, 0).waitFor();
  expect(await submitted.getAttribute('data-read')).toBe('false');
  await expand(submitted, 2);
  expect(await row(dropdown, 'Automate the release notes').getAttribute('data-read')).toBe('false');
  await screenshot(tab.page, 'inbox-bell-requests-1280');

  await row(dropdown, 'Automate the release notes').getByRole('button', { name: 'Approve' }).click();
  await row(dropdown, 'Automate the release notes').getByTestId('resolution').filter({ hasText: 'Approved by you' }).waitFor();

  // Rejecting asks why, in the row itself.
  const rejected = row(dropdown, 'Rewrite everything in Rust');
  await rejected.getByRole('button', { name: 'Reject' }).click();
  await rejected.getByLabel('Why reject?').fill('Not this quarter: the payments migration comes first');
  await screenshot(tab.page, 'inbox-bell-reject-reason-1280');
  await rejected.getByRole('button', { name: 'Reject goal' }).click();
  await rejected.getByText('Rejected by you: Not this quarter: the payments migration comes first').waitFor();
  await screenshot(tab.page, 'inbox-bell-resolved-1280');

  expect(await goalStatus(approveMe.id)).toBe('ACTIVE');
  expect(await goalStatus(rejectMe.id)).toBe('REJECTED');
  expect(await rejected.getByRole('button', { name: 'Approve' }).count()).toBe(0);
  expect(await wasReloaded(tab.page)).toBe(false);
  expect(tab.consoleErrors()).toEqual([]);
});

it('approves from a toast; the decision clears the badge and the toast on the same person\'s other device', async () => {
  const laptop = await suite.openTab();
  const phone = await suite.openTab(PHONE);
  await signIn(laptop, demo.sam);
  await signIn(phone, demo.sam);
  await Promise.all([bellWithUnread(laptop.page, 0).waitFor(), bellWithUnread(phone.page, 0).waitFor()]);

  const goal = await submitForApproval('Mentor two new engineers');
  for (const tab of [laptop, phone]) {
    await toast(tab.page, 'Mentor two new engineers').waitFor();
    await expect.poll(() => unreadOn(tab.page)).toBe(1);
  }
  await screenshot(phone.page, 'inbox-toast-request-375');
  await screenshot(laptop.page, 'inbox-toast-request-1280');

  await toast(laptop.page, 'Mentor two new engineers').getByRole('button', { name: 'Approve' }).click();
  await toast(laptop.page, 'Mentor two new engineers').waitFor({ state: 'detached' });
  // Nobody saw it on the phone, but it no longer waits for anyone: off the badge, toast gone.
  await bellWithUnread(phone.page, 0).waitFor();
  await toast(phone.page, 'Mentor two new engineers').waitFor({ state: 'detached' });
  expect(await goalStatus(goal.id)).toBe('ACTIVE');

  // In the bell it joins the group of Alice's submissions (the two of the first test lead the run).
  await phone.page.getByTestId('bell').click();
  await expand(group(bellDropdown(phone), `${aliceName} submitted 3 goals for approval`), 3);
  await row(bellDropdown(phone), 'Mentor two new engineers').getByText('Approved by you').waitFor();
  await screenshot(phone.page, 'inbox-bell-resolved-375');
  for (const tab of [laptop, phone]) {
    expect(tab.consoleErrors()).toEqual([]);
    await tab.context.close();
  }
});

it('shows a burst from one person as one toast, and keeps the history filters in the URL across a reload', async () => {
  const laptop = await suite.openTab();
  await signIn(laptop, demo.alice);
  // Earlier tests decided Alice's goals: she was told.
  await laptop.page.getByTestId('bell').click();
  await bellWithUnread(laptop.page, 0).waitFor();
  await closeBell(laptop.page);

  const titles = ['Write the incident runbook', 'Pair with support', 'Review the on-call rota', 'Draft the runbook index', 'Tidy the wiki', 'Plan the offsite'];
  await Promise.all(titles.map((title) => sam.goals.assign.mutate({ superviseeId: aliceId, title })));
  // Sam's six assignments share a group: one toast counts them (burst.test.ts: the limit and the summary).
  const burst = laptop.page.getByTestId('toast-group').filter({ hasText: `${samName} assigned you 6 goals` });
  await burst.waitFor();
  expect(await laptop.page.getByTestId('toast').count()).toBe(0);
  await screenshot(laptop.page, 'inbox-toast-burst-1280');

  // The six are one group in the history list; the search narrows it to the two about runbooks.
  await navigate(laptop.page, 'Notifications');
  await expand(group(laptop.page, `${samName} assigned you 6 goals`), 6);
  await row(laptop.page, 'Plan the offsite').waitFor();
  await laptop.page.getByLabel('Search', { exact: true }).fill('runbook');
  await laptop.page.waitForURL(/q=runbook/);
  await laptop.page.getByText('Unread', { exact: true }).click();
  await laptop.page.waitForURL(/read=unread/);
  const found = group(laptop.page, `${samName} assigned you 2 goals`);
  await found.waitFor();
  expect(await laptop.page.getByTestId('notification-group').count()).toBe(1);
  await expand(found, 2);
  await expect.poll(() => row(laptop.page, '').count()).toBe(2);
  await screenshot(laptop.page, 'inbox-history-search-1280');

  await laptop.page.reload();
  await found.waitFor();
  expect(await laptop.page.getByLabel('Search', { exact: true }).inputValue()).toBe('runbook');
  expect(await laptop.page.getByTestId('notification-group').count()).toBe(1);
  await expand(found, 2);
  await row(laptop.page, 'Write the incident runbook').waitFor();
  expect(await row(laptop.page, '').count()).toBe(2);
  expect(new URL(laptop.page.url()).search).toBe('?read=unread&q=runbook');

  // Declining asks the reason in place; the decided request shows its outcome.
  const runbook = row(laptop.page, 'Write the incident runbook');
  await runbook.getByRole('button', { name: 'Decline' }).click();
  await runbook.getByLabel('Why decline?').fill('Owned by the platform team');
  await runbook.getByRole('button', { name: 'Decline goal' }).click();
  await runbook.getByText('Declined by you: Owned by the platform team').waitFor();

  // Archived: out of the inbox, into the Archived tab (its own URL).
  await row(laptop.page, 'Draft the runbook index').getByRole('button', { name: /^Archive/ }).click();
  await row(laptop.page, 'Draft the runbook index').waitFor({ state: 'detached' });
  await laptop.page.getByRole('tab', { name: /Archived/ }).click();
  await laptop.page.waitForURL(/view=archived/);
  await row(laptop.page, 'Draft the runbook index').waitFor();

  const phone = await suite.openTab(PHONE);
  await signIn(phone, demo.alice);
  await phone.page.goto('/notifications?view=all&q=runbook');
  await expand(group(phone.page, `${samName} assigned you 2 goals`), 2);
  await row(phone.page, 'Draft the runbook index').waitFor();
  await screenshot(phone.page, 'inbox-history-search-375');
  for (const tab of [laptop, phone]) expect(tab.consoleErrors()).toEqual([]);
});

it('snoozes a notification out of the inbox, and it returns live when its time comes', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.alice);
  await tab.page.getByTestId('bell').click();
  await bellWithUnread(tab.page, 0).waitFor();
  await closeBell(tab.page);

  await sam.goals.assign.mutate({ superviseeId: aliceId, title: 'Refresh the style guide' });
  await sam.goals.assign.mutate({ superviseeId: aliceId, title: 'Shadow the data team' });
  // The second joins the first's toast: Sam's assignments share a group.
  await tab.page.getByTestId('toast-group').filter({ hasText: `${samName} assigned you 2 goals` }).waitFor();
  await bellWithUnread(tab.page, 2).waitFor();
  await navigate(tab.page, 'Notifications');
  // They join the run of Sam's assignments from the last test (five of them still in the inbox).
  await expand(group(tab.page, `${samName} assigned you 7 goals`), 7);

  // Snoozed from the row until tomorrow 9:00: off the inbox, in the Snoozed tab.
  const shadow = row(tab.page, 'Shadow the data team');
  await shadow.getByRole('button', { name: /^Snooze/ }).click();
  await screenshot(tab.page, 'inbox-snooze-choices-1280');
  await shadow.getByRole('button', { name: 'Tomorrow 9:00' }).click();
  await shadow.waitFor({ state: 'detached' });
  await tab.page.getByRole('tab', { name: /Snoozed/ }).click();
  await row(tab.page, 'Shadow the data team').getByText(/Snoozed until/).waitFor();
  await tab.page.getByRole('tab', { name: /Inbox/ }).click();
  await expand(group(tab.page, `${samName} assigned you 6 goals`), 6);

  // Snoozed through the API for a moment: it leaves the inbox, then comes back as new, with a toast.
  const styleGuide = row(tab.page, 'Refresh the style guide');
  await styleGuide.waitFor();
  const id = Number(await styleGuide.getAttribute('data-notification-id'));
  await alice.notifications.snooze.mutate({ id, until: new Date(Date.now() + 2000) });
  await styleGuide.waitFor({ state: 'detached' });
  await toast(tab.page, 'Refresh the style guide').waitFor({ state: 'detached' });
  await bellWithUnread(tab.page, 0).waitFor();
  // Elsewhere in the app meanwhile (the inbox page would mark it seen at once).
  await navigate(tab.page, 'My goals');
  await toast(tab.page, 'Refresh the style guide').waitFor({ timeout: 15_000 });
  await bellWithUnread(tab.page, 1).waitFor();
  await tab.page.getByTestId('bell').click();
  await expand(group(bellDropdown(tab), `${samName} assigned you 6 goals`), 6);
  await row(bellDropdown(tab), 'Refresh the style guide').waitFor();
  await screenshot(tab.page, 'inbox-snooze-returned-1280');
  await bellWithUnread(tab.page, 0).waitFor();
  expect(tab.consoleErrors()).toEqual([]);
});
