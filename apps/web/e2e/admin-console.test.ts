/**
 * The admin console: an administrator creates a user, sets their supervisor (a cycle is refused
 * with the server's message), gives them a new password they then sign in with, and deactivates
 * them; the org chart; live connection figures that move when someone else connects. A supervisor
 * and a supervisee see none of it. Screenshots of each screen at 1280 and 375 px.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { demo } from '../../server/test/support/server.js';
import { connection, screenshot, signIn, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

async function openFromMenu(page: Page, item: string, heading: string) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: item }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
}

const userRow = (page: Page, name: string) => page.getByTestId('user-row').filter({ hasText: name });

async function manage(page: Page, name: string, action: string) {
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await page.getByRole('menuitem', { name: action }).click();
}

async function chooseSupervisor(page: Page, dialog: ReturnType<Page['getByRole']>, name: string) {
  await dialog.getByRole('combobox', { name: 'Supervisor' }).fill(name);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
}

async function signInWith(tab: Tab, email: string, password: string) {
  const { page } = tab;
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await connection(page, 'connected').waitFor();
}

it('as an administrator: users, the org chart and live connections', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  await page.goto('/admin'); // leads to the users screen
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/admin/users');
  await userRow(page, 'Alice Analyst').getByText('Sam Supervisor').waitFor();
  await screenshot(page, 'admin-users-1280');

  // Create: the shared schema's messages first, then the user.
  await page.getByRole('button', { name: 'New user' }).click();
  const create = page.getByRole('dialog', { name: 'New user' });
  await create.getByRole('textbox', { name: 'Password' }).fill('short');
  await create.getByRole('button', { name: 'Create user' }).click();
  await create.getByText('password must be at least 12 characters').waitFor();
  await create.getByRole('textbox', { name: 'Email' }).fill('erin@demo.pms');
  await create.getByRole('textbox', { name: 'Name' }).fill('Erin Example');
  await create.getByRole('textbox', { name: 'Password' }).fill('erin-first-password');
  await chooseSupervisor(page, create, 'Sam Supervisor');
  await create.getByRole('checkbox', { name: 'Creates quarterly goals' }).check();
  await screenshot(page, 'admin-user-new-1280');
  await create.getByRole('button', { name: 'Create user' }).click();
  await create.waitFor({ state: 'hidden' });
  await userRow(page, 'Erin Example').getByText('Sam Supervisor').waitFor();

  // Sam under Erin, who is under Sam: refused, with the server's words beside the field.
  await manage(page, 'Sam Supervisor', 'Edit');
  const editSam = page.getByRole('dialog', { name: 'Edit Sam Supervisor' });
  await chooseSupervisor(page, editSam, 'Erin Example');
  await editSam.getByRole('button', { name: 'Save' }).click();
  await editSam.getByText('supervisorId: this would make a supervisor cycle').waitFor();
  await screenshot(page, 'admin-user-cycle-1280');
  // A window narrowed to a phone's width shows cards instead of the table; the dialog and its answer stay.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.getByRole('table').waitFor({ state: 'detached' });
  await editSam.getByText('supervisorId: this would make a supervisor cycle').waitFor();
  await page.setViewportSize({ width: 1280, height: 800 });
  await editSam.getByRole('button', { name: 'Cancel' }).click();

  await manage(page, 'Erin Example', 'Edit');
  const editErin = page.getByRole('dialog', { name: 'Edit Erin Example' });
  await chooseSupervisor(page, editErin, 'Olivia Supervisor');
  await editErin.getByRole('button', { name: 'Save' }).click();
  await editErin.waitFor({ state: 'hidden' });
  await userRow(page, 'Erin Example').getByText('Olivia Supervisor').waitFor();

  // A new password: Erin signs in with it (another browser).
  await manage(page, 'Erin Example', 'Set a new password');
  const reset = page.getByRole('dialog', { name: 'New password for Erin Example' });
  await reset.getByLabel('New password').fill('erin-second-password');
  await reset.getByRole('button', { name: 'Set password' }).click();
  await reset.waitFor({ state: 'hidden' });
  const erin = await suite.openTab();
  await signInWith(erin, 'erin@demo.pms', 'erin-second-password');
  await erin.page.getByTestId('user-name').filter({ hasText: 'Erin Example' }).waitFor();

  // Deactivated: shown as such, and Erin's open app goes back to signing in.
  await manage(page, 'Erin Example', 'Deactivate');
  await page.getByRole('dialog', { name: 'Deactivate Erin Example?' }).getByRole('button', { name: 'Deactivate' }).click();
  await userRow(page, 'Erin Example').getByTestId('user-state').filter({ hasText: 'Deactivated' }).waitFor();
  await erin.page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search users' }).fill('ERIN demo');
  await expect.poll(() => page.getByTestId('user-row').count()).toBe(1);

  // The org chart: Erin under Olivia, deactivated; a branch folds away.
  await openFromMenu(page, 'Org chart', 'Org chart');
  const chart = page.getByRole('tree', { name: 'Organisation' });
  const olivia = chart.getByRole('treeitem', { name: /^Olivia Supervisor/ });
  await olivia.getByRole('treeitem', { name: /^Erin Example.*Deactivated/ }).waitFor();
  await screenshot(page, 'admin-org-1280');
  await olivia.getByTestId('org-person').first().click();
  expect(await olivia.getAttribute('aria-expanded')).toBe('false');
  await olivia.getByText('Carol Coder').waitFor({ state: 'hidden' });

  // Live connections: another browser connecting shows up without a reload.
  await openFromMenu(page, 'Live connections', 'Connections');
  await page.locator('[data-testid="stats-live"][data-live="true"]').waitFor();
  const sockets = async () => Number(await page.getByTestId('total-sockets').locator('p').last().innerText());
  const before = await sockets();
  const bob = await suite.openTab();
  await signIn(bob, demo.bob);
  await expect.poll(sockets).toBe(before + 1);
  await page.getByTestId('instance-row').first().waitFor();
  await screenshot(page, 'admin-connections-1280');
  await bob.context.close();
  await expect.poll(sockets).toBe(before);

  expect(tab.consoleErrors()).toEqual([]);
});

it('on a phone: every admin screen fits 375 px', async () => {
  const tab = await suite.openTab({ width: 375, height: 800 });
  await signIn(tab, demo.admin);
  const { page } = tab;
  await openFromMenu(page, 'Users', 'Users');
  await userRow(page, 'Alice Analyst').waitFor();
  await screenshot(page, 'admin-users-375');
  await manage(page, 'Alice Analyst', 'Edit');
  await page.getByRole('dialog', { name: 'Edit Alice Analyst' }).getByRole('textbox', { name: 'Name' }).waitFor();
  await screenshot(page, 'admin-user-edit-375');
  await page.getByRole('dialog', { name: 'Edit Alice Analyst' }).getByRole('button', { name: 'Cancel' }).click();
  await openFromMenu(page, 'Org chart', 'Org chart');
  await page.getByRole('treeitem', { name: /^Alice Analyst/ }).waitFor();
  await screenshot(page, 'admin-org-375');
  await openFromMenu(page, 'Live connections', 'Connections');
  await page.getByTestId('instance-row').first().waitFor();
  await screenshot(page, 'admin-connections-375');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  expect(tab.consoleErrors()).toEqual([]);
});

it('as a supervisor or a supervisee: no admin menu, and each address says it is for administrators', async () => {
  const refused = async (email: string) => {
    const tab = await suite.openTab();
    await signIn(tab, email);
    const { page } = tab;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Notification preferences' }).waitFor();
    for (const item of ['Users', 'Org chart', 'Live connections']) expect(await page.getByRole('menuitem', { name: item }).count()).toBe(0);
    await page.keyboard.press('Escape');
    for (const path of ['/admin', '/admin/users', '/admin/org', '/admin/connections']) {
      await page.goto(path);
      await page.getByText('Only administrators can see this page').waitFor();
    }
    if (email === demo.alice) await screenshot(page, 'admin-refused-1280');
    expect(tab.consoleErrors()).toEqual([]);
    await tab.context.close();
  };
  await Promise.all([refused(demo.sam), refused(demo.alice)]);
});
