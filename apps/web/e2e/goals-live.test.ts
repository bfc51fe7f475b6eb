/**
 * A goal changed on another device reaches the lists on screen through its live event alone: the
 * event carries the goal as the server built it for this viewer, and the SPA puts it into (or
 * takes it out of) the lists that hold it, without asking the server for any goals query.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { demo, httpClient, login } from '../../server/test/support/server.js';
import { goalCard, navigate, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

/** The page's requests for goals queries (`/trpc/goals.…`, alone or in a batch), as they are sent and finished. */
function goalRequests(page: Page) {
  const counts = { sent: 0, finished: 0 };
  const isGoals = (url: string) => /\/trpc\/[^?]*goals\./.test(url);
  page.on('request', (request) => void (isGoals(request.url()) && counts.sent++));
  page.on('requestfinished', (request) => void (isGoals(request.url()) && counts.finished++));
  page.on('requestfailed', (request) => void (isGoals(request.url()) && counts.finished++));
  return counts;
}

it('a goal submitted, withdrawn and approved elsewhere updates the lists with no goals request', async () => {
  const alice = httpClient(suite.url, (await login(suite.url, demo.alice)).token);
  const sam = httpClient(suite.url, (await login(suite.url, demo.sam)).token);
  const samTab = await suite.openTab();
  const aliceTab = await suite.openTab();
  await signIn(samTab, demo.sam);
  await signIn(aliceTab, demo.alice);
  const samRequests = goalRequests(samTab.page);
  const aliceRequests = goalRequests(aliceTab.page);
  await navigate(samTab.page, 'Pending approvals');
  await samTab.page.getByText('Nothing awaiting your approval').waitFor();

  // A first submission shows the goal stream has started (it arrives by its event, or by the
  // refetch the stream's start makes); then nothing of the start is left in flight.
  const first = await alice.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Mentor a new joiner' });
  await goalCard(samTab.page, first.title).waitFor();
  await goalCard(aliceTab.page, first.title).waitFor();
  for (const requests of [samRequests, aliceRequests]) await expect.poll(() => requests.finished).toBe(requests.sent);
  const before = { sam: samRequests.sent, alice: aliceRequests.sent };

  // Submitted on Alice's other device: it joins Sam's pending list, above the first.
  const second = await alice.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Run a brown-bag session' });
  await goalCard(samTab.page, second.title).waitFor();
  expect(await samTab.page.getByTestId('goal-card').allTextContents()).toEqual([
    expect.stringContaining(second.title),
    expect.stringContaining(first.title),
  ]);
  // Withdrawn: it leaves the list.
  await alice.goals.cancel.mutate({ id: second.id });
  await goalCard(samTab.page, second.title).waitFor({ state: 'detached' });
  // Approved on Sam's other device: it leaves his pending list, and Alice's card turns active.
  await sam.goals.approve.mutate({ id: first.id });
  await goalCard(samTab.page, first.title).waitFor({ state: 'detached' });
  await samTab.page.getByText('Nothing awaiting your approval').waitFor();
  await goalCard(aliceTab.page, first.title).and(aliceTab.page.locator('[data-status="ACTIVE"]')).waitFor();

  expect({ sam: samRequests.sent, alice: aliceRequests.sent }).toEqual(before);
  for (const tab of [samTab, aliceTab]) expect(tab.consoleErrors()).toEqual([]);
});
