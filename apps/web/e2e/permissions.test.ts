/**
 * Scenario 5: the goal types on offer follow the person's permissions (a supervisee never
 * sees the organisational ones), and the main screens work on a 375 px phone.
 */
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { demo } from '../../server/test/support/server.js';
import { collectConsoleErrors, navigate, screenshot, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

async function offeredGoalTypes(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'New goal' }).click();
  const dialog = page.getByRole('dialog', { name: 'New goal' });
  await dialog.getByLabel('Type').click();
  const options = page.getByRole('option');
  await options.first().waitFor();
  const labels = await options.allTextContents();
  await page.keyboard.press('Escape'); // closes the list
  await options.first().waitFor({ state: 'hidden' });
  await page.keyboard.press('Escape'); // closes the dialog
  await dialog.waitFor({ state: 'hidden' });
  return labels;
}

it('offers each person only the goal types they may create', async () => {
  const expectations: Array<[string, string[]]> = [
    [demo.alice, ['Personal']],
    [demo.sam, ['Personal', 'Quarterly (organisational)']],
    [demo.admin, ['Personal', 'Quarterly (organisational)', 'Yearly (organisational)']],
  ];
  for (const [email, types] of expectations) {
    const tab = await suite.openTab();
    await signIn(tab, email);
    expect(await offeredGoalTypes(tab.page)).toEqual(types);
    expect(tab.consoleErrors()).toEqual([]);
    await tab.context.close();
  }
});

it('shows a supervisee neither organisational types nor the supervisor screens', async () => {
  const alice = await suite.openTab();
  await signIn(alice, demo.alice);
  const nav = alice.page.getByRole('navigation', { name: 'Main' });
  expect(await nav.getByRole('link').allTextContents()).toEqual(['My goals', 'Assigned to me', 'Notifications']);
  await alice.page.getByRole('button', { name: 'New goal' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'New goal' });
  await dialog.getByLabel('Type').click();
  await alice.page.getByRole('option', { name: 'Personal' }).waitFor();
  await screenshot(alice.page, 'supervisee-goal-types');
  expect(await alice.page.getByText(/yearly|quarterly/i).count()).toBe(0);
  expect(alice.consoleErrors()).toEqual([]);
});

it('is usable on a 375 px wide screen', async () => {
  const phone = await suite.openTab({ width: 375, height: 740 });
  await signIn(phone, demo.sam);
  await phone.page.getByRole('heading', { name: 'My goals' }).waitFor();
  await screenshot(phone.page, 'phone-my-goals');
  const fitsWidth = () => phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(await fitsWidth()).toBe(true);

  await phone.page.getByRole('button', { name: 'Toggle navigation' }).click();
  await phone.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).waitFor();
  await screenshot(phone.page, 'phone-navigation');
  await phone.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await phone.page.getByRole('heading', { name: 'Alice Analyst' }).waitFor();
  expect(await fitsWidth()).toBe(true);
  await screenshot(phone.page, 'phone-team');

  await navigate(phone.page, 'Notifications');
  await phone.page.getByRole('heading', { name: 'Notifications' }).waitFor();
  await phone.page.getByTestId('bell').click();
  await phone.page.getByTestId('bell-dropdown').getByText('You are all caught up').waitFor();
  expect(await fitsWidth()).toBe(true);
  await screenshot(phone.page, 'phone-bell');
  expect(phone.consoleErrors()).toEqual([]);
});

it('explains a failed sign-in beside the form, and signs out cleanly', async () => {
  const tab = await suite.openTab();
  // The browser logs the 401 answer to a wrong password; the app shows it in the form.
  tab.allowConsoleErrors(/status of 401 \(Unauthorized\)/);
  await tab.page.goto('/');
  await tab.page.getByLabel('Email').fill(demo.alice);
  await tab.page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).waitFor();

  await tab.page.getByLabel('Email').fill('not-an-email');
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByText('email must be a valid email address').waitFor();
  await screenshot(tab.page, 'sign-in-error');

  await signIn(tab, demo.alice);
  // A second tab shares the cookie, hence the session: signing out in one ends both.
  const otherTab = await tab.context.newPage();
  const otherTabErrors = collectConsoleErrors(otherTab);
  await otherTab.goto('/notifications');
  await otherTab.locator('[data-connection="connected"]').waitFor();

  await tab.page.getByTestId('user-menu').click();
  await tab.page.getByRole('menuitem', { name: 'Sign out' }).click();
  await tab.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await otherTab.getByRole('heading', { name: 'Sign in' }).waitFor();
  // Signed out for real: a fresh load does not find a session.
  await tab.page.reload();
  await tab.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(tab.consoleErrors()).toEqual([]);
  expect(otherTabErrors).toEqual([]);
});

/**
 * Opens a popup from its trigger with Enter, closes it with Escape and checks focus went in and
 * came back. Focus moves in only once the popup has mounted (its focus trap runs then), and
 * Escape pressed before that is lost: every focus check waits rather than sampling once.
 */
async function openAndCloseWithKeyboard(page: Page, trigger: Locator, popup: Locator, focusedFirst: Locator = popup) {
  await trigger.focus();
  await page.keyboard.press('Enter');
  await popup.waitFor();
  await expect.poll(() => focusedFirst.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'hidden' });
  await expect.poll(() => trigger.evaluate((element) => element === document.activeElement)).toBe(true);
}

it('can be used from the keyboard: menus and dialogs open, close and give focus back', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.sam);
  const { page } = tab;

  await openAndCloseWithKeyboard(page, page.getByTestId('bell'), page.getByTestId('bell-dropdown'));
  // A dialog starts on the first thing to fill in.
  const dialog = page.getByRole('dialog', { name: 'New goal' });
  await openAndCloseWithKeyboard(page, page.getByRole('button', { name: 'New goal' }), dialog, dialog.getByLabel('Title'));
  await openAndCloseWithKeyboard(page, page.getByTestId('user-menu'), page.getByRole('menu'));
  expect(tab.consoleErrors()).toEqual([]);
});
