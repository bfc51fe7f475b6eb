/**
 * An administrator creates an API key on the API keys screen, copies the secret it shows once,
 * a service uses it with plain fetch (200), and once the key is revoked on the screen the same
 * call is refused (401). Screenshots at 1280 and 375 px.
 */
import { expect, it } from 'vitest';
import { demo } from '../../server/test/support/server.js';
import { screenshot, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

const connectionStats = (secret: string) =>
  fetch(`${suite.url}/api/v1/notifications/connection-stats`, { headers: { authorization: `Bearer ${secret}` } });

it('creates a key, shows its secret once, and revokes it', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.admin);
  const { page } = tab;
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByText('No API keys yet').waitFor();

  await page.getByTestId('new-api-key').click();
  const form = page.getByRole('dialog', { name: 'New API key' });
  // The shared schema's messages, before any round trip.
  await form.getByRole('button', { name: 'Create key' }).click();
  await form.getByText('name must not be empty').waitFor();
  await form.getByText('scopes must name at least one scope').waitFor();
  await form.getByLabel('Name').fill('Ops dashboard');
  await form.getByRole('checkbox', { name: 'connections:read' }).check();
  await form.getByRole('checkbox', { name: 'goals:read' }).check();
  await screenshot(page, 'api-keys-create-1280');
  await form.getByRole('button', { name: 'Create key' }).click();

  const shown = page.getByRole('dialog', { name: 'The key for Ops dashboard' });
  await shown.getByText('You will not see it again').waitFor();
  const secret = (await shown.getByTestId('api-key-secret').innerText()).trim();
  expect(secret).toMatch(/^pms_[A-Za-z0-9_-]{43}$/);
  await screenshot(page, 'api-keys-secret-1280');
  await shown.getByRole('button', { name: 'I have copied it' }).click();
  await shown.waitFor({ state: 'hidden' });

  const row = page.getByTestId('api-key-row').filter({ hasText: 'Ops dashboard' });
  await row.getByText('goals:read').waitFor();
  expect(await row.innerText()).not.toContain(secret); // only its first characters
  expect(await row.innerText()).toContain(secret.slice(0, 8));

  expect((await connectionStats(secret)).status).toBe(200);
  // Last use shows once the list is read again.
  await page.reload();
  await row.getByText('just now').waitFor();
  await screenshot(page, 'api-keys-list-1280');

  await row.getByTestId('api-key-actions').click();
  await page.getByRole('menuitem', { name: 'Revoke' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke the key for Ops dashboard?' });
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await row.getByTestId('api-key-state').filter({ hasText: 'Revoked' }).waitFor();
  expect((await connectionStats(secret)).status).toBe(401);
  expect(tab.consoleErrors()).toEqual([]);
});

it('edits and rotates a key on a phone: the new secret works, the old one no longer', async () => {
  const tab = await suite.openTab({ width: 375, height: 800 });
  await signIn(tab, demo.admin);
  const { page } = tab;
  await page.goto('/admin/api-keys');
  await page.getByTestId('new-api-key').click();
  const form = page.getByRole('dialog', { name: 'New API key' });
  await form.getByLabel('Name').fill('Reviews module');
  await form.getByRole('checkbox', { name: 'connections:read' }).check();
  await screenshot(page, 'api-keys-create-375');
  await form.getByRole('button', { name: 'Create key' }).click();
  const first = page.getByRole('dialog', { name: 'The key for Reviews module' });
  const oldSecret = (await first.getByTestId('api-key-secret').innerText()).trim();
  await screenshot(page, 'api-keys-secret-375');
  await first.getByRole('button', { name: 'I have copied it' }).click();
  await first.waitFor({ state: 'hidden' });

  // Edit: a new name and one more scope, the form starting from what the key has.
  await page.getByTestId('api-key-row').filter({ hasText: 'Reviews module' }).getByTestId('api-key-actions').click();
  await page.getByRole('menuitem', { name: 'Edit name and scopes' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Reviews module' });
  expect(await edit.getByRole('checkbox', { name: 'connections:read' }).isChecked()).toBe(true);
  await edit.getByLabel('Name').fill('Reviews service');
  await edit.getByRole('checkbox', { name: 'users:read' }).check();
  // The phone turned sideways: the list becomes a table, and the dialog keeps what was typed.
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: viewport.height, height: viewport.width });
  await page.getByRole('table').waitFor();
  expect(await edit.getByLabel('Name').inputValue()).toBe('Reviews service');
  await page.setViewportSize(viewport);
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'hidden' });
  const row = page.getByTestId('api-key-row').filter({ hasText: 'Reviews service' });
  await row.getByText('users:read').waitFor();
  await screenshot(page, 'api-keys-list-375');
  await row.getByTestId('api-key-actions').click();
  await page.getByRole('menuitem', { name: 'Rotate secret' }).click();
  await page.getByRole('dialog', { name: 'Rotate the key for Reviews service?' }).getByRole('button', { name: 'Rotate' }).click();
  const second = page.getByRole('dialog', { name: 'The key for Reviews service' });
  const newSecret = (await second.getByTestId('api-key-secret').innerText()).trim();
  expect(newSecret).not.toBe(oldSecret);
  await second.getByRole('button', { name: 'I have copied it' }).click();

  expect((await connectionStats(oldSecret)).status).toBe(401);
  expect((await connectionStats(newSecret)).status).toBe(200);
  expect(tab.consoleErrors()).toEqual([]);
});
