/**
 * Scenario 1: a supervisee submits a personal goal, the supervisor sees it arrive live,
 * rejects it with a reason, the supervisee resubmits, and it is approved.
 */
import { expect, it } from 'vitest';
import { demo, httpClient, login } from '../../server/test/support/server.js';
import { bellWithUnread, goalCard, markPage, navigate, screenshot, signIn, toast, wasReloaded, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

it('submit -> live pending approval -> reject with reason -> resubmit -> approve', async () => {
  const alice = await suite.openTab();
  const sam = await suite.openTab();
  await screenshotSignIn(alice);
  await signIn(alice, demo.alice);
  await signIn(sam, demo.sam);
  await Promise.all([markPage(alice.page), markPage(sam.page)]);

  await navigate(sam.page, 'Pending approvals');
  await sam.page.getByText('Nothing awaiting your approval').waitFor();
  await bellWithUnread(sam.page, 0).waitFor();

  // Alice submits a personal goal.
  const title = 'Publish the onboarding guide';
  await alice.page.getByRole('button', { name: 'New goal' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New goal' });
  await create.getByLabel('Title').fill(title);
  await create.getByLabel('Description').fill('A guide new joiners can follow on their own in week one.');
  // It supports one of the organisation's goals (the demo data has some).
  await create.getByLabel('Aligns to').click();
  const parent = alice.page.getByRole('option').first();
  const parentLabel = (await parent.textContent())!;
  await parent.click();
  await screenshot(alice.page, 'create-goal-dialog');
  await create.getByRole('button', { name: 'Create goal' }).click();
  await create.waitFor({ state: 'hidden' });
  await goalCard(alice.page, title).and(alice.page.locator('[data-status="PENDING_APPROVAL"]')).waitFor();

  // Sam's badge and pending list update without a reload.
  await bellWithUnread(sam.page, 1).waitFor();
  await toast(sam.page, 'Goal awaiting your approval').waitFor();
  const pending = goalCard(sam.page, title);
  await pending.waitFor();
  await screenshot(sam.page, 'pending-approvals');
  // The approver decides: approve or reject (with a reason), never cancel. The owner may withdraw it.
  expect(await pending.getByRole('button').allTextContents()).toEqual(['Approve', 'Reject']);
  expect(await goalCard(alice.page, title).getByRole('button').allTextContents()).toEqual(['Edit', 'Cancel goal']);

  // A rejection needs a reason: the server's message appears beside the field.
  await pending.getByRole('button', { name: `Reject "${title}"` }).click();
  const reject = sam.page.getByRole('dialog', { name: `Reject "${title}"` });
  await reject.getByRole('button', { name: 'Reject goal' }).click();
  await reject.getByText('reason must not be empty').waitFor();
  const reason = 'Add a measurable target, e.g. three teams using it';
  await reject.getByLabel('Reason').fill(reason);
  await reject.getByRole('button', { name: 'Reject goal' }).click();
  await reject.waitFor({ state: 'hidden' });
  await sam.page.getByText('Nothing awaiting your approval').waitFor();

  // Alice is told, with the reason, and sees it on the goal.
  const rejected = toast(alice.page, 'Goal rejected');
  await rejected.waitFor();
  expect(await rejected.textContent()).toContain(reason);
  const card = goalCard(alice.page, title);
  await card.and(alice.page.locator('[data-status="REJECTED"]')).waitFor();
  expect(await card.getByTestId('goal-reason').textContent()).toContain(reason);
  await screenshot(alice.page, 'my-goals-rejected');

  // She edits and resubmits.
  await card.getByRole('button', { name: `Edit and resubmit "${title}"` }).click();
  const edit = alice.page.getByRole('dialog', { name: 'Edit and resubmit' });
  expect(await edit.getByTestId('rejection-reason').textContent()).toContain(reason);
  const revised = 'Publish the onboarding guide, used by three teams';
  await edit.getByLabel('Title').fill(revised);
  await edit.getByRole('button', { name: 'Save and resubmit' }).click();
  await edit.waitFor({ state: 'hidden' });
  await goalCard(alice.page, revised).and(alice.page.locator('[data-status="PENDING_APPROVAL"]')).waitFor();

  // Sam approves the resubmitted goal. The first request, decided, left the badge.
  await bellWithUnread(sam.page, 1).waitFor();
  await goalCard(sam.page, revised).getByRole('button', { name: `Approve "${revised}"` }).click();
  await sam.page.getByText('Nothing awaiting your approval').waitFor();

  await toast(alice.page, 'Goal approved').waitFor();
  await goalCard(alice.page, revised).and(alice.page.locator('[data-status="ACTIVE"]')).waitFor();

  // The goal's page tells the whole story.
  await goalCard(alice.page, revised).getByRole('link', { name: revised }).click();
  const history = alice.page.getByTestId('history-entry');
  await alice.page.getByTestId('goal-detail').and(alice.page.locator('[data-status="ACTIVE"]')).waitFor();
  expect(await history.allTextContents()).toEqual([
    expect.stringContaining('Alice Analyst created the goal'),
    expect.stringMatching(new RegExp(`Sam Supervisor rejected the goal.*${reason}`)),
    expect.stringContaining('Alice Analyst edited the goal'),
    expect.stringContaining('Alice Analyst resubmitted the goal'),
    expect.stringContaining('Sam Supervisor approved the goal'),
  ]);

  // Progress, with a note: Sam hears of it, and it joins the timeline.
  await alice.page.getByRole('button', { name: `Update progress of "${revised}"` }).click();
  const progress = alice.page.getByRole('dialog', { name: `Update progress: ${revised}` });
  await progress.getByLabel('Progress (%)').fill('40');
  await progress.getByLabel('Note').fill('Drafted the first two chapters');
  await progress.getByRole('button', { name: 'Save progress' }).click();
  await progress.waitFor({ state: 'hidden' });
  await history.filter({ hasText: 'Drafted the first two chapters' }).waitFor();
  expect(await alice.page.getByTestId('goal-detail').getByText('40%', { exact: true }).count()).toBe(1);
  await toast(sam.page, 'Goal progress updated').waitFor();
  await alice.page.getByTestId('goal-detail').getByRole('link', { name: parentLabel }).waitFor();
  await screenshot(alice.page, 'goal-detail');

  expect(await wasReloaded(alice.page)).toBe(false);
  expect(await wasReloaded(sam.page)).toBe(false);
  expect(alice.consoleErrors()).toEqual([]);
  expect(sam.consoleErrors()).toEqual([]);
});

it('approves several goals at once', async () => {
  const titles = ['Automate the weekly report', 'Learn the billing domain'];
  for (const [email, title] of [
    [demo.alice, titles[0]!],
    [demo.bob, titles[1]!],
  ] as const) {
    const owner = httpClient(suite.url, (await login(suite.url, email)).token);
    await owner.goals.create.mutate({ type: 'INDIVIDUAL', title });
  }
  const sam = await suite.openTab();
  await signIn(sam, demo.sam);
  await navigate(sam.page, 'Pending approvals');
  for (const title of titles) await goalCard(sam.page, title).waitFor();

  await sam.page.getByLabel('Select all').check();
  await sam.page.getByRole('button', { name: 'Approve selected (2)' }).click();
  await sam.page.getByText('Nothing awaiting your approval').waitFor();
  await sam.page.getByRole('alert').filter({ hasText: '2 goals approved' }).waitFor();

  const owner = httpClient(suite.url, (await login(suite.url, demo.bob)).token);
  const { items } = await owner.goals.mine.query({ status: 'ACTIVE' });
  expect(items.map((goal) => goal.title)).toContain(titles[1]);
  expect(sam.consoleErrors()).toEqual([]);
});

async function screenshotSignIn(tab: Tab) {
  await tab.page.goto('/');
  await tab.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(tab.page, 'sign-in');
}
