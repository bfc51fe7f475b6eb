/**
 * Notification preferences and the administrators' screens in Chromium: choices persist across
 * a reload, a default edited by an administrator reaches the API, the admin screens stay closed
 * to others, and Sent mail opens a mail in its sandboxed frame. The mail and the failed job are
 * fixtures written with SQL: sending and the jobs that fail are built and tested elsewhere.
 */
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { demo, signIn as apiSignIn } from '../../server/test/support/server.js';
import { insertMail } from '../../server/test/support/mail-rows.js';
import { screenshot as fullPage, signIn, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

/** From the top: a full-page shot of a scrolled page draws the fixed header midway. */
async function screenshot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await fullPage(page, name);
}

/** Opens a page through the account menu, as a person would. */
async function fromMenu(page: Page, label: string) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: label }).click();
}

async function phoneShot(tab: Tab, path: string, name: string, ready: string) {
  await tab.page.setViewportSize({ width: 375, height: 740 });
  await tab.page.goto(path);
  await tab.page.getByRole('heading', { name: ready }).waitFor();
  await screenshot(tab.page, name);
  expect(await tab.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await tab.page.setViewportSize({ width: 1280, height: 800 });
}

it('keeps a person’s preferences across a reload', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.alice);
  const { page } = tab;
  await fromMenu(page, 'Notification preferences');
  await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
  await page.getByTestId('critical-note').waitFor();

  const reviews = page.getByTestId('category-reviews');
  expect(await reviews.getByTestId('category-reviews-source').textContent()).toBe('Default');
  await reviews.getByRole('switch', { name: 'Email' }).click();
  expect(await reviews.getByTestId('category-reviews-source').textContent()).toBe('Your choice');
  const goals = page.getByTestId('category-goals');
  await goals.getByTestId('goals-timing').click();
  await page.getByRole('option', { name: 'Daily digest' }).click();
  // The default timing waits for the notification to be read: here 45 minutes instead of 30.
  await page.getByTestId('initiatives-delay').fill('45');
  await page.getByTestId('quiet-hours').click();
  await page.getByTestId('time-zone').fill('Tokyo');
  await page.getByRole('option', { name: 'Asia/Tokyo' }).click();
  await screenshot(page, 'preferences-1280');
  await page.getByTestId('save-preferences').click();
  await page.getByText('Your notification preferences are saved').waitFor();

  await page.reload();
  await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
  expect(await page.getByTestId('category-reviews').getByRole('switch', { name: 'Email' }).isChecked()).toBe(false);
  expect(await page.getByTestId('goals-timing').inputValue()).toBe('Daily digest');
  expect(await page.getByTestId('initiatives-delay').inputValue()).toBe('45');
  expect(await page.getByTestId('time-zone').inputValue()).toBe('Asia/Tokyo');
  expect(await page.getByTestId('quiet-hours').isChecked()).toBe(true);
  expect(await page.getByTestId('quiet-start').inputValue()).toBe('22:00');

  // Back to the default: the badge says so and the server forgets the choice.
  await page.getByTestId('category-reviews-reset').click();
  await page.getByTestId('save-preferences').click();
  await page.getByText('Your notification preferences are saved').last().waitFor();
  const alice = await apiSignIn(suite.url, demo.alice);
  const saved = await alice.api.preferences.mine.query();
  expect(saved.categories.find((c) => c.category === 'reviews')!.own).toEqual({});
  expect(saved.categories.find((c) => c.category === 'goals')!.own).toEqual({ emailTiming: 'daily' });
  expect(saved.categories.find((c) => c.category === 'initiatives')!.own).toEqual({ unreadDelayMinutes: 45 });

  await phoneShot(tab, '/settings/notifications', 'preferences-375', 'Notification preferences');
  expect(tab.consoleErrors()).toEqual([]);
});

it('lets an administrator change a default', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  await fromMenu(page, 'Notification defaults');
  await page.getByRole('heading', { name: 'Notification defaults' }).waitFor();
  const system = page.getByTestId('category-system');
  const was = await system.getByRole('switch', { name: 'Desktop' }).isChecked();
  await system.getByRole('switch', { name: 'Desktop' }).click();
  await page.getByTestId('save-defaults').click();
  await page.getByText('People without their own choice now get these').waitFor();
  await screenshot(page, 'defaults-1280');
  const admin = await apiSignIn(suite.url, demo.admin);
  expect((await admin.api.preferences.defaults.query()).system.desktop).toBe(!was);
  await phoneShot(tab, '/admin/notifications', 'defaults-375', 'Notification defaults');
  expect(tab.consoleErrors()).toEqual([]);
});

it('keeps the admin screens from everyone else', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.sam);
  const { page } = tab;
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Notification preferences' }).waitFor();
  expect(await page.getByRole('menuitem', { name: 'Sent mail' }).count()).toBe(0);
  await page.keyboard.press('Escape');
  for (const path of ['/admin/mail', '/admin/jobs', '/admin/notifications']) {
    await page.goto(path);
    await page.getByText('Only administrators can see this page').waitFor();
  }
  await screenshot(page, 'admin-refused-1280');
  expect(tab.consoleErrors()).toEqual([]);
});

it('lists sent mail and opens one in its sandboxed frame', async () => {
  await insertMail(suite.db, {
    to: 'bob@demo.pms',
    kind: 'notification',
    subject: 'Alice submitted “Ship the preferences screens”',
    html: '<div style="font-family:sans-serif;padding:16px;background:#f4f4f8"><h1 style="color:#3b5bdb">Waiting for you</h1><p>Alice submitted a goal.</p></div>',
  });
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  await fromMenu(page, 'Sent mail');
  await page.getByRole('heading', { name: 'Sent mail' }).waitFor();
  const row = page.getByTestId('mail-row').filter({ hasText: 'Ship the preferences screens' });
  await row.waitFor();
  await screenshot(page, 'sent-mail-1280');
  await row.getByRole('cell').first().click();
  const frame = page.frameLocator('[data-testid="mail-frame"]');
  await frame.getByText('Waiting for you').waitFor();
  expect(await page.getByTestId('mail-frame').getAttribute('sandbox')).toBe('');
  await screenshot(page, 'sent-mail-open-1280');
  await page.getByRole('tab', { name: 'Plain text' }).click();
  await page.getByTestId('mail-text').waitFor();
  await page.getByRole('tab', { name: 'Headers' }).click();
  expect(await page.getByTestId('mail-headers').textContent()).toContain('List-Unsubscribe');
  await page.keyboard.press('Escape');

  await phoneShot(tab, '/admin/mail', 'sent-mail-375', 'Sent mail');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.getByTestId('mail-row').filter({ hasText: 'Ship the preferences screens' }).click();
  await page.frameLocator('[data-testid="mail-frame"]').getByText('Waiting for you').waitFor();
  await screenshot(page, 'sent-mail-open-375');
  expect(tab.consoleErrors()).toEqual([]);
});

it('lists a failed job and retries it', async () => {
  // A failed return of a notification that no longer exists: its handler has nothing to do on retry.
  const { rows } = await sql<{ id: string }>`
    insert into pgboss.job (name, data, state, retry_limit, retry_count, output, completed_on)
    values ('notification.return', '{"notificationId": 987654}', 'failed', 0, 0, '{"message": "database went away"}', now())
    returning id
  `.execute(suite.db);
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  await fromMenu(page, 'Failed jobs');
  const row = page.getByTestId('job-row').filter({ hasText: 'database went away' });
  await row.waitFor();
  await screenshot(page, 'failed-jobs-1280');
  await phoneShot(tab, '/admin/jobs', 'failed-jobs-375', 'Failed jobs');
  await page.getByTestId('job-row').filter({ hasText: 'database went away' }).getByTestId('retry-job').click();
  await page.getByText('notification.return runs again').waitFor();
  await page.getByTestId('job-row').filter({ hasText: 'database went away' }).waitFor({ state: 'detached' });
  const { rows: after } = await sql<{ state: string }>`select state from pgboss.job where id = ${rows[0]!.id}::uuid`.execute(suite.db);
  expect(after[0]!.state).not.toBe('failed');
  expect(tab.consoleErrors()).toEqual([]);
});
