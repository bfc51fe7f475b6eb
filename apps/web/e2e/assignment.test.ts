/**
 * Scenario 2: a supervisor assigns a goal and the supervisee accepts it; a second one is
 * declined with a reason. Both sides follow along live.
 */
import { expect, it } from 'vitest';
import { demo } from '../../server/test/support/server.js';
import { bellWithUnread, goalCard, markPage, navigate, screenshot, signIn, toast, wasReloaded } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

it('assign -> accept, then assign -> decline with a reason', async () => {
  const sam = await suite.openTab();
  const alice = await suite.openTab();
  await signIn(sam, demo.sam);
  await signIn(alice, demo.alice);
  await Promise.all([markPage(sam.page), markPage(alice.page)]);
  await navigate(sam.page, 'Team');
  const aliceSection = sam.page.getByRole('region', { name: 'Alice Analyst' });
  await aliceSection.getByText('Alice Analyst has no goals yet').waitFor();

  // Sam assigns from Alice's section: she is preselected.
  const first = 'Mentor a new joiner';
  await aliceSection.getByRole('button', { name: 'Assign a goal to Alice Analyst' }).click();
  const assign = sam.page.getByRole('dialog', { name: 'Assign a goal' });
  await assign.getByLabel('Title').fill(first);
  await assign.getByLabel('Due date').fill(`${new Date().getFullYear()}-12-31`);
  await screenshot(sam.page, 'assign-goal-dialog');
  await assign.getByRole('button', { name: 'Assign goal' }).click();
  await assign.waitFor({ state: 'hidden' });
  await goalCard(aliceSection, first).and(sam.page.locator('[data-status="PENDING_ACCEPTANCE"]')).waitFor();

  // Alice is told at once; the toast takes her to the goal, where she accepts it.
  await bellWithUnread(alice.page, 1).waitFor();
  await toast(alice.page, 'New goal assigned to you').click();
  const detail = alice.page.getByTestId('goal-detail');
  await detail.getByRole('heading', { name: first }).waitFor();
  await bellWithUnread(alice.page, 0).waitFor(); // opening it read it
  await detail.getByRole('button', { name: `Accept "${first}"` }).click();
  await detail.and(alice.page.locator('[data-status="ACTIVE"]')).waitFor();
  await navigate(alice.page, 'Assigned to me');
  await alice.page.getByText('Nothing waiting for your answer').waitFor();

  await toast(sam.page, 'Goal accepted').waitFor();
  await goalCard(aliceSection, first).and(sam.page.locator('[data-status="ACTIVE"]')).waitFor();

  // The second goal, assigned from the page's own button, choosing Alice in the dialog.
  const second = 'Run the quarterly demo';
  await sam.page.getByRole('button', { name: 'Assign a goal', exact: true }).click();
  await assign.getByLabel('Assign to').click();
  await sam.page.getByRole('option', { name: 'Alice Analyst' }).click();
  await assign.getByLabel('Title').fill(second);
  await assign.getByRole('button', { name: 'Assign goal' }).click();
  await assign.waitFor({ state: 'hidden' });

  // It appears on Alice's open page without a reload; she declines with a reason.
  const card = goalCard(alice.page, second);
  await card.waitFor();
  await screenshot(alice.page, 'assigned-to-me');
  // She answers, and saying no takes a reason: no way to cancel it instead.
  expect(await card.getByRole('button').allTextContents()).toEqual(['Accept', 'Decline']);
  await card.getByRole('button', { name: `Decline "${second}"` }).click();
  const decline = alice.page.getByRole('dialog', { name: `Decline "${second}"` });
  const reason = 'I am on leave for most of that quarter';
  await decline.getByLabel('Reason').fill(reason);
  await screenshot(alice.page, 'decline-dialog');
  await decline.getByRole('button', { name: 'Decline goal' }).click();
  await decline.waitFor({ state: 'hidden' });
  await alice.page.getByText('Nothing waiting for your answer').waitFor();

  const declined = toast(sam.page, 'Goal declined');
  await declined.waitFor();
  expect(await declined.textContent()).toContain(reason);
  const declinedCard = goalCard(aliceSection, second).and(sam.page.locator('[data-status="DECLINED"]'));
  await declinedCard.waitFor();
  expect(await declinedCard.getByTestId('goal-reason').textContent()).toContain(reason);
  await screenshot(sam.page, 'team');

  expect(await wasReloaded(sam.page)).toBe(false);
  expect(await wasReloaded(alice.page)).toBe(false);
  expect(sam.consoleErrors()).toEqual([]);
  expect(alice.consoleErrors()).toEqual([]);
});
