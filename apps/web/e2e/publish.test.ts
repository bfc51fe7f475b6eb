/**
 * Another module publishing (issue 12): an initiative notification published over REST with an
 * API key (plain fetch, as a service in another language would) appears live in the bell with its
 * registered label, and the history's type filter lists the initiative type. 1280 px and 375 px.
 */
import { expect, it } from 'vitest';
import { issueApiKey } from '@pms/api';
import { demo } from '../../server/test/support/server.js';
import { bellWithUnread, navigate, screenshot, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

async function publish(body: Record<string, unknown>) {
  const { secret } = await issueApiKey(suite.db, { name: 'initiatives module', scopes: ['notifications:publish'], createdBy: null });
  const response = await fetch(`${suite.url}/api/v1/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<{ id: number }>;
}

const initiative = (title: string) => ({
  recipients: [demo.alice],
  type: 'INITIATIVE_ASSIGNED',
  priority: 'HIGH',
  title,
  message: 'Olivia assigned you the initiative "Faster onboarding".',
  link: '/notifications',
  groupKey: 'initiative:7',
  actions: [{ kind: 'link', label: 'Open initiative', url: 'https://initiatives.example.test/7' }],
});

it('an initiative notification published over REST appears live in the bell, with its label and link', async () => {
  const tab = await suite.openTab();
  await signIn(tab, demo.alice);
  await publish(initiative('You lead the onboarding initiative'));
  await bellWithUnread(tab.page, 1).waitFor();

  await tab.page.getByTestId('bell').click();
  const dropdown = tab.page.getByRole('dialog', { name: /^Notifications/ });
  const row = dropdown.getByTestId('notification-row').filter({ hasText: 'You lead the onboarding initiative' });
  await row.waitFor();
  const open = row.getByRole('link', { name: 'Open initiative' });
  expect(await open.getAttribute('href')).toBe('https://initiatives.example.test/7');
  await screenshot(tab.page, 'publish-bell-1280');

  // A second one of the same group: the bell names them by the type's registered label.
  await publish(initiative('The onboarding initiative has a new milestone'));
  await dropdown.getByTestId('notification-group').filter({ hasText: '2 notifications: Initiative assigned' }).waitFor();
  await screenshot(tab.page, 'publish-bell-group-1280');
  await tab.page.keyboard.press('Escape');

  // The history's type filter lists the registered types by label; filtered, each row says its type.
  await navigate(tab.page, 'Notifications');
  await tab.page.getByRole('main').getByLabel('Type').click();
  await tab.page.getByRole('option', { name: 'Initiative assigned' }).click();
  await expect.poll(() => new URL(tab.page.url()).searchParams.get('type')).toBe('INITIATIVE_ASSIGNED');
  const group = tab.page.getByTestId('notification-group').filter({ hasText: '2 notifications: Initiative assigned' });
  await group.getByRole('button', { name: 'Show 2', exact: true }).click();
  await expect.poll(() => group.getByTestId('notification-row').filter({ hasText: 'Initiative assigned' }).count()).toBe(2);
  await screenshot(tab.page, 'publish-history-1280');
  expect(tab.consoleErrors()).toEqual([]);
});

it('on a phone: the published notification in the bell and the history filter', async () => {
  const tab = await suite.openTab({ width: 375, height: 812 });
  await signIn(tab, demo.alice);
  await publish({ ...initiative('Your initiative is due Friday'), groupKey: undefined });
  await bellWithUnread(tab.page, 1).waitFor();
  await tab.page.getByTestId('bell').click();
  await tab.page.getByRole('dialog', { name: /^Notifications/ }).getByTestId('notification-row').filter({ hasText: 'Your initiative is due Friday' }).waitFor();
  await screenshot(tab.page, 'publish-bell-375');
  await tab.page.keyboard.press('Escape');
  await navigate(tab.page, 'Notifications');
  await tab.page.getByRole('main').getByLabel('Type').click();
  await tab.page.getByRole('option', { name: 'Initiative assigned' }).waitFor();
  await screenshot(tab.page, 'publish-history-filter-375');
  expect(tab.consoleErrors()).toEqual([]);
});
