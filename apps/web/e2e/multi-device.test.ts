/**
 * Scenario 3: one person on two devices (two browser contexts, two sessions). A notification
 * reaches both; reading, reading all and deleting on one is reflected on the other.
 */
import { beforeAll, expect, it } from 'vitest';
import { demo, httpClient, login, type Client } from '../../server/test/support/server.js';
import { bellWithUnread, markPage, navigate, screenshot, signIn, toast, wasReloaded, type Tab } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();
let sam: Client;
let aliceId: number;
let samName: string;

beforeAll(async () => {
  sam = httpClient(suite.url, (await login(suite.url, demo.sam)).token);
  aliceId = (await sam.users.supervisees.query()).find((person) => person.email === demo.alice)!.id;
  samName = (await sam.auth.me.query()).name;
});

const assignToAlice = (title: string) => sam.goals.assign.mutate({ superviseeId: aliceId, title });
const rows = (tab: Tab) => tab.page.getByTestId('notification-row');
const unreadRows = (tab: Tab) => rows(tab).and(tab.page.locator('[data-read="false"]'));
/** Sam's assignments, one after another, are one group row in the history list (groups.ts). */
const assignments = (tab: Tab, count: number) => tab.page.getByTestId('notification-group').filter({ hasText: `${samName} assigned you ${count} goals` });

/** Shows a collapsed group's members, each as its own row with its own controls. */
async function expand(group: ReturnType<typeof assignments>, count: number) {
  expect(await group.getAttribute('data-count')).toBe(String(count));
  await group.getByRole('button', { name: `Show ${count}`, exact: true }).click();
  await expect.poll(() => group.getByTestId('group-members').getByTestId('notification-row').count()).toBe(count);
}

it('a notification reaches both devices, and reads and deletions follow across them', async () => {
  const laptop = await suite.openTab();
  const phone = await suite.openTab({ width: 390, height: 844 });
  await signIn(laptop, demo.alice);
  await signIn(phone, demo.alice);
  await Promise.all([markPage(laptop.page), markPage(phone.page)]);
  await Promise.all([bellWithUnread(laptop.page, 0).waitFor(), bellWithUnread(phone.page, 0).waitFor()]);

  const goal = await assignToAlice('Write the incident runbook');
  for (const tab of [laptop, phone]) {
    await toast(tab.page, 'Write the incident runbook').waitFor();
    await bellWithUnread(tab.page, 1).waitFor();
  }

  // Marked read on the laptop: the phone's badge clears too.
  await laptop.page.getByTestId('bell').click();
  const dropdown = laptop.page.getByRole('dialog', { name: /^Notifications/ });
  await dropdown.getByTestId('notification-row').first().waitFor();
  await screenshot(laptop.page, 'bell-dropdown');
  await dropdown.getByRole('button', { name: 'Mark "New goal assigned to you" as read' }).click();
  await bellWithUnread(laptop.page, 0).waitFor();
  await bellWithUnread(phone.page, 0).waitFor();
  // Closed again: an open bell shows (and so marks seen) what arrives.
  await laptop.page.keyboard.press('Escape');
  await dropdown.waitFor({ state: 'hidden' });
  // The phone's toast for it goes too: it is old news.
  await toast(phone.page, 'Write the incident runbook').waitFor({ state: 'detached' });

  // Two more; "mark all read" on the phone clears the laptop.
  await assignToAlice('Pair with the support team');
  await assignToAlice('Review the on-call rota');
  await bellWithUnread(laptop.page, 2).waitFor();
  await bellWithUnread(phone.page, 2).waitFor();
  await navigate(phone.page, 'Notifications');
  // On a 390 px phone the two assignments' one toast covers the list's first rows (beside their select boxes): dismissed, as a person would.
  const groupToast = phone.page.getByTestId('toast-group');
  await expect.poll(() => groupToast.getAttribute('data-count')).toBe('2');
  await groupToast.locator('button').last().click(); // its close button
  await groupToast.waitFor({ state: 'detached' });
  await expand(assignments(phone, 3), 3);
  // The laptop shows the same list, so that it is seen to follow.
  await navigate(laptop.page, 'Notifications');
  await expand(assignments(laptop, 3), 3);
  for (const tab of [phone, laptop]) expect(await assignments(tab, 3).getAttribute('data-read')).toBe('false');
  // The page's Mark all read (first: the group below has one of its own, for its members).
  await phone.page.getByRole('button', { name: 'Mark all read' }).first().click();
  // Read, not only seen: both lists on screen mark their rows seen, so the bells say nothing here.
  for (const tab of [phone, laptop]) {
    await expect.poll(() => unreadRows(tab).count()).toBe(0);
    expect(await assignments(tab, 3).getAttribute('data-read')).toBe('true');
  }
  await screenshot(laptop.page, 'notification-history');

  // Deleted on the phone: gone from the laptop's list as well.
  const onCall = rows(phone).filter({ hasText: 'Review the on-call rota' });
  await onCall.getByRole('button', { name: 'Delete "New goal assigned to you"' }).click();
  await onCall.waitFor({ state: 'detached' });
  await rows(laptop).filter({ hasText: 'Review the on-call rota' }).waitFor({ state: 'detached' });
  expect(await assignments(laptop, 2).getAttribute('data-count')).toBe('2');
  expect(await rows(laptop).count()).toBe(2);

  // A notification opens its goal (it is a link: a new tab would open it too).
  await rows(laptop).filter({ hasText: 'Write the incident runbook' }).getByRole('link', { name: /Write the incident runbook/ }).click();
  await laptop.page.waitForURL(`**/goals/${goal.id}`);
  await laptop.page.getByTestId('goal-detail').getByRole('heading', { name: 'Write the incident runbook' }).waitFor();

  for (const tab of [laptop, phone]) {
    expect(await wasReloaded(tab.page)).toBe(false);
    expect(tab.consoleErrors()).toEqual([]);
  }
});

it('shows a desktop notification once the person opts in, while the tab is in the background', async () => {
  const tab = await suite.openTab();
  await tab.context.grantPermissions(['notifications']);
  // Records what the app shows through the real Notification API, and puts the tab in the background.
  await tab.page.addInitScript(() => {
    const shown: string[] = [];
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(`${title}: ${options?.body ?? ''}`);
      }
    }
    Object.assign(window, { Notification: Recorded, __desktopNotifications: shown });
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
  });
  await signIn(tab, demo.alice);
  await tab.page.getByTestId('user-menu').click();
  await tab.page.getByRole('menuitem', { name: 'Turn on desktop notifications' }).click();
  await tab.page.getByTestId('user-menu').click();
  await tab.page.getByRole('menuitem', { name: 'Turn off desktop notifications' }).waitFor();
  await tab.page.keyboard.press('Escape');

  await assignToAlice('Shadow a customer call');
  await toast(tab.page, 'Shadow a customer call').waitFor();
  const shown = await tab.page.evaluate(() => (window as unknown as { __desktopNotifications: string[] }).__desktopNotifications);
  expect(shown).toEqual(['New goal assigned to you: Sam Supervisor assigned you "Shadow a customer call"']);
  expect(tab.consoleErrors()).toEqual([]);
});
