/**
 * The person's channels in the SPA: the desktop switch of a category decides whether its
 * notifications reach the desktop, and a category off in the app shows neither a toast nor a
 * bell row (the server stores it archived, seen and read). The browser's Notification API is
 * replaced by a recorder and the tab reports itself hidden, as a background tab does.
 */
import { expect, it } from 'vitest';
import { demo, signIn as apiSignIn } from '../../server/test/support/server.js';
import { notify, sample, userIdOf } from '../../server/test/support/notifications.js';
import { bellWithUnread, signIn, toast } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

it('honours the desktop and in-app choices of each category', async () => {
  const bob = await apiSignIn(suite.url, demo.bob);
  await bob.api.preferences.update.mutate({ categories: { goals: { desktop: false }, reviews: { inApp: false } } });

  const tab = await suite.openTab();
  await tab.context.addInitScript(() => {
    const shown: string[] = [];
    class RecordingNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
      close() {}
    }
    Object.assign(window, { Notification: RecordingNotification, desktopShown: shown });
    Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden' });
  });
  await signIn(tab, demo.bob);
  const { page } = tab;
  await page.evaluate(() => localStorage.setItem('pms.desktopNotifications', 'on'));
  await bellWithUnread(page, 0).waitFor();

  const bobId = await userIdOf(suite.db, demo.bob);
  await notify(suite.db, [
    sample(bobId, 1, { type: 'GOAL_APPROVED', title: 'A goal was approved' }),
    sample(bobId, 2, { type: 'INITIATIVE_ASSIGNED', title: 'An initiative for you' }),
    sample(bobId, 3, { type: 'REVIEW_DUE', title: 'A review is due' }),
  ]);
  await toast(page, 'A goal was approved').waitFor();
  await toast(page, 'An initiative for you').waitFor();
  await bellWithUnread(page, 2).waitFor();
  expect(await page.evaluate(() => (window as unknown as { desktopShown: string[] }).desktopShown)).toEqual(['An initiative for you']);
  expect(await toast(page, 'A review is due').count()).toBe(0);

  await page.getByTestId('bell').click();
  await page.getByText('An initiative for you').last().waitFor();
  expect(await page.getByText('A review is due').count()).toBe(0);
  expect(tab.consoleErrors()).toEqual([]);
});
