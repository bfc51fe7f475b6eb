/**
 * Due dates in the SPA: goal cards flag an overdue goal (red "Overdue") and one due within the
 * reminders' window ("Due in N days"), at 1280 px and 375 px; the date input offers no day before
 * today, and a past date typed anyway comes back refused with the server's message beside it.
 * The goal's page flags it for its supervisor too. An overdue goal is arranged as time would make one: its due date moved into the past in SQL
 * (the API refuses past dates; the database takes any).
 */
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo, httpClient, login, startTestServer, type Client, type TestServer } from '../../server/test/support/server.js';
import { goalCard, launchBrowser, openTab, screenshot, signIn } from './support/browser.js';
import { WEB_DIST } from './support/paths.js';

let server: TestServer;
let browser: Browser;
let alice: Client;
let sam: Client;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ env: { WEB_DIST } }), launchBrowser()]);
  alice = httpClient(server.url, (await login(server.url, demo.alice)).token);
  sam = httpClient(server.url, (await login(server.url, demo.sam)).token);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The date `days` from today (UTC, alice's zone: she has none set), by the database's clock. */
async function day(days: number): Promise<string> {
  const { rows } = await sql<{ date: string }>`select to_char((now() at time zone 'UTC')::date + ${days}::int, 'YYYY-MM-DD') as date`.execute(server.db);
  return rows[0]!.date;
}

async function activeGoal(title: string, dueDate: string) {
  const goal = await alice.goals.create.mutate({ type: 'INDIVIDUAL', title, dueDate });
  return sam.goals.approve.mutate({ id: goal.id });
}

it('flags overdue and due-soon goals on their cards, on a desktop and on a phone', async () => {
  const late = await activeGoal('Ship the quarterly report', await day(1));
  await server.db.updateTable('goals').set({ due_date: await day(-2) }).where('id', '=', late.id).execute();
  await activeGoal('Prepare the team offsite', await day(3));
  await activeGoal('Write the yearly review', await day(60));

  for (const width of [1280, 375]) {
    const tab = await openTab(browser, server.url, { width, height: 812 });
    await signIn(tab, demo.alice);
    const overdue = goalCard(tab.page, 'Ship the quarterly report');
    await overdue.getByTestId('goal-deadline').filter({ hasText: 'Overdue' }).waitFor();
    expect(await overdue.getAttribute('data-overdue')).toBe('');
    await goalCard(tab.page, 'Prepare the team offsite').getByTestId('goal-deadline').filter({ hasText: 'Due in 3 days' }).waitFor();
    expect(await goalCard(tab.page, 'Write the yearly review').getByTestId('goal-deadline').count()).toBe(0);
    await screenshot(tab.page, `goal-overdue-${width}`);
    expect(tab.consoleErrors()).toEqual([]);
    await tab.context.close();
  }
  // Its supervisor sees the flag on the goal's page too.
  const tab = await openTab(browser, server.url);
  await signIn(tab, demo.sam);
  await tab.page.goto(`/goals/${late.id}`);
  await tab.page.getByTestId('goal-detail').getByTestId('goal-deadline').filter({ hasText: 'Overdue' }).waitFor();
  await tab.context.close();
});

it('offers no past due date, and shows the server refusing one typed anyway', async () => {
  const tab = await openTab(browser, server.url);
  await signIn(tab, demo.alice);
  await tab.page.getByRole('button', { name: 'New goal' }).click();
  const dialog = tab.page.getByRole('dialog');
  const date = dialog.getByLabel('Due date');
  expect(await date.getAttribute('min')).toBe(await tab.page.evaluate(() => new Date().toLocaleDateString('en-CA')));
  await dialog.getByLabel('Title').fill('Back to the past');
  await date.fill(await day(-1));
  await dialog.getByRole('button', { name: /create/i }).click();
  await dialog.getByText('dueDate must not be in the past').waitFor();
  await screenshot(tab.page, 'goal-past-due-date-1280');
  expect(await server.db.selectFrom('goals').select('id').where('title', '=', 'Back to the past').execute()).toEqual([]);
  await tab.context.close();
});
