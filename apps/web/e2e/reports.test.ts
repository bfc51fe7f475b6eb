/**
 * Reports (issue 11 part 5) and comfort (part 6). An administrator sees the organisation's
 * reports drawn, changes team and range (kept in the URL through a reload) and downloads a CSV
 * whose figures are the API's for the same filters; sam sees only his team; alice sees none.
 * Dark scheme from the system (and the account menu's choice), the skip link, and dates in the
 * browser's language (de-DE). Screenshots at 1280 and 375 px, light and dark.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { refreshReports } from '@pms/api';
import { seedDemoHistory } from '@pms/db';
import { demo, signIn as apiSignIn } from '../../server/test/support/server.js';
import { presetDays } from '../src/reports/filters.js';
import { goalCard, navigate, screenshot, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

const report = (page: Page, name: string) => page.getByTestId(`report-${name}`);
/** Waits until every card has answered (a chart, a table or its empty state; never a loader). */
async function reportsLoaded(page: Page) {
  await page.getByTestId('report-goalCompletion').getByRole('heading').waitFor();
  await page.getByRole('main').getByRole('status').first().waitFor({ state: 'detached' });
  expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);
}
const search = (page: Page) => new URL(page.url()).searchParams;

/**
 * Goal history for sam's team (the seed has only organisational goals), with the notifications it
 * sends: an approval, a completion, an accepted assignment, and decisions left waiting.
 */
async function arrangeGoalHistory() {
  const [sam, alice, bob] = await Promise.all([demo.sam, demo.alice, demo.bob].map((email) => apiSignIn(suite.url, email)));
  const dueDate = `${new Date().getUTCFullYear()}-12-31`;
  const approved = await alice!.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Mentor a new hire', dueDate });
  await sam!.api.goals.approve.mutate({ id: approved.id });
  await alice!.api.goals.complete.mutate({ id: approved.id });
  await alice!.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Write the onboarding guide', dueDate });
  const assigned = await sam!.api.goals.assign.mutate({ superviseeId: bob!.id, title: 'Pair on the billing migration' });
  await bob!.api.goals.accept.mutate({ id: assigned.id });
  await sam!.api.goals.assign.mutate({ superviseeId: alice!.id, title: 'Shadow the data team' });
  // The notification reports read a rollup the server refreshes every minute: brought up to date now.
  await refreshReports(suite.db);
  return sam!;
}

it('shows an administrator the organisation, then a team and a range kept in the URL, and a CSV with the API figures', async () => {
  const admin = await apiSignIn(suite.url, demo.admin);
  const sam = await arrangeGoalHistory();
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  await navigate(page, 'Reports');
  await page.getByRole('heading', { name: 'Reports', level: 2 }).waitFor();
  expect(await page.getByRole('combobox', { name: 'Team' }).inputValue()).toBe('Organisation');
  // Charts drawn (recharts' shapes) from the history arranged above.
  await report(page, 'notificationsSent').locator('.recharts-bar-rectangle').filter({ visible: true }).first().waitFor();
  await report(page, 'notificationReads').getByRole('table').waitFor();
  await report(page, 'actionsResolved').locator('.recharts-bar-rectangle').filter({ visible: true }).first().waitFor();
  await report(page, 'pendingDecisions').locator('.recharts-bar-rectangle').filter({ visible: true }).first().waitFor();
  await report(page, 'goalResponses').locator('.recharts-pie-sector').first().waitFor();
  const turnaround = await admin.api.reports.approvalTurnaround.query(presetDays('30d', new Date()));
  expect(turnaround.decided).toBeGreaterThan(0);
  await report(page, 'approvalTurnaround').locator('[data-figure="Decided"]').getByText(String(turnaround.decided), { exact: true }).waitFor();
  await report(page, 'approvalTurnaround').locator('.recharts-surface').first().waitFor();
  await report(page, 'goalCompletion').getByRole('table').waitFor();
  await reportsLoaded(page);
  await screenshot(page, 'reports-admin-1280');

  await page.getByRole('combobox', { name: 'Team' }).click();
  await page.getByRole('option', { name: `${sam.name}’s team` }).click();
  await page.getByRole('combobox', { name: 'Date range' }).click();
  await page.getByRole('option', { name: 'Last 90 days' }).click();
  expect(search(page).get('team')).toBe(String(sam.id));
  expect(search(page).get('range')).toBe('90d');
  await page.reload();
  await page.getByRole('heading', { name: 'Reports', level: 2 }).waitFor();
  expect(await page.getByRole('combobox', { name: 'Team' }).inputValue()).toMatch(new RegExp(`^${sam.name}’s team`));
  expect(await page.getByRole('combobox', { name: 'Date range' }).inputValue()).toBe('Last 90 days');
  await reportsLoaded(page);

  const card = report(page, 'goalCompletion');
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: /Download CSV/ }).click()]);
  const filter = { ...presetDays('90d', new Date()), teamId: sam.id };
  expect(download.suggestedFilename()).toBe(`goalCompletion_${filter.from}_${filter.to}_team-${sam.id}.csv`);
  const [header, ...lines] = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
  expect(header).toBe('quarter,type,goals,completed,completion_rate');
  const answer = await admin.api.reports.goalCompletion.query(filter);
  expect(lines.length).toBe(answer.rows.length);
  expect(answer.rows.length).toBeGreaterThan(0);
  for (const [index, row] of answer.rows.entries()) {
    const [quarter, type, goals, completed] = lines[index]!.split(',');
    expect({ quarter, type, goals: Number(goals), completed: Number(completed) }).toEqual({ quarter: row.quarter, type: row.type, goals: row.goals, completed: row.completed });
  }
  expect(tab.consoleErrors()).toEqual([]);
});

it('shows a supervisor only his team, and a supervisee no reports', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.sam);
  const { page } = tab;
  await navigate(page, 'Reports');
  const team = page.getByRole('combobox', { name: 'Team' });
  await team.waitFor();
  expect(await team.inputValue()).toMatch(/^Sam Supervisor’s team/);
  expect(await team.isDisabled()).toBe(true);
  await reportsLoaded(page);
  // A custom range, checked by the shared schema before any request.
  await page.getByRole('combobox', { name: 'Date range' }).click();
  await page.getByRole('option', { name: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill('2026-06-10');
  await page.getByLabel('To', { exact: true }).fill('2026-06-01');
  await page.getByText('to must not be before from').waitFor();
  expect([search(page).get('range'), search(page).get('from'), search(page).get('to')]).toEqual(['custom', '2026-06-10', '2026-06-01']);
  expect(await page.getByTestId('report-goalCompletion').count()).toBe(0);
  expect(tab.consoleErrors()).toEqual([]);

  const alice = await suite.openTab();
  await signIn(alice, demo.alice);
  const nav = alice.page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Notifications' }).waitFor();
  expect(await nav.getByRole('link', { name: 'Reports' }).count()).toBe(0);
  await alice.page.goto('/reports');
  await alice.page.getByText('Reports are for supervisors and administrators').waitFor();
  expect(alice.consoleErrors()).toEqual([]);
});

it('follows a dark system, skips to the content, and writes dates in the browser’s language', async () => {
  const alice = await apiSignIn(suite.url, demo.alice);
  const dueDate = `${new Date().getUTCFullYear()}-12-31`;
  await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Learn German', dueDate });

  const tab = await suite.openTab({ colorScheme: 'dark', locale: 'de-DE' });
  await signIn(tab, demo.alice);
  const { page } = tab;
  const scheme = () => page.evaluate(() => [document.documentElement.dataset.mantineColorScheme, document.querySelector('meta[name="theme-color"]')?.getAttribute('content')]);
  expect(await scheme()).toEqual(['dark', '#242424']);

  // The due date as German readers write it (Intl's de-DE, as the browser's).
  const german = new Intl.DateTimeFormat('de-DE', { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(`${dueDate}T00:00:00`));
  await goalCard(page, 'Learn German').getByText(`due ${german}`).waitFor();
  await screenshot(page, 'comfort-goals-dark-1280');

  // The first Tab reaches the skip link, shown over the header; Enter puts focus on the page's main region.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
  expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

  // The account menu's choice wins over the system's, and "Same as system" returns to it.
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Same as system (chosen)' }).waitFor();
  await page.getByRole('menuitem', { name: 'Light' }).click();
  await page.getByRole('menuitem', { name: 'Light (chosen)' }).waitFor();
  expect(await scheme()).toEqual(['light', '#ffffff']);
  await page.getByRole('menuitem', { name: 'Same as system' }).click();
  expect(await scheme()).toEqual(['dark', '#242424']);
  await page.keyboard.press('Escape');
  // Unread rows keep their tint in dark (a scheme-aware colour, no longer a light one).
  await navigate(page, 'Notifications');
  await page.getByTestId('notification-row').first().waitFor();
  await screenshot(page, 'comfort-notifications-dark-1280');
  expect(tab.consoleErrors()).toEqual([]);
});

it('draws the demo history readably, in dark and on a phone', async () => {
  // Weeks of backdated activity, as a fresh embedded database gets (tests seed without it).
  expect(await seedDemoHistory(suite.db)).toBe(true);
  await refreshReports(suite.db);
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  // One signed-in tab: the window's width and the system's scheme changed under it.
  for (const [width, colorScheme] of [[1280, 'light'], [375, 'light'], [375, 'dark'], [1280, 'dark']] as const) {
    await page.setViewportSize({ width, height: 800 });
    await page.emulateMedia({ colorScheme });
    await page.goto('/reports');
    await page.getByRole('heading', { name: 'Reports', level: 2 }).waitFor();
    await reportsLoaded(page);
    await report(page, 'notificationsSent').locator('.recharts-bar-rectangle').filter({ visible: true }).nth(5).waitFor();
    await screenshot(page, `reports-demo-${colorScheme}-${width}`);
    if (width === 375) {
      await page.goto('/goals');
      await page.getByRole('heading', { name: 'My goals' }).waitFor();
      await screenshot(page, `comfort-goals-${colorScheme}-375`);
    }
  }
  expect(tab.consoleErrors()).toEqual([]);
});
