/**
 * The search box: a supervisor presses "/", types the start of two words and finds goals and a
 * notification, highlighted; filters by goal type (kept in the URL through a reload, Back and
 * Forward) and opens a result. A supervisee on a phone finds her own and the organisation's goals,
 * not another team's. Screenshots at 1280 and 375 px.
 */
import { expect, it } from 'vitest';
import { demo, signIn as apiSignIn } from '../../server/test/support/server.js';
import { screenshot, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

it('finds, filters and opens results; each person finds only what they may open', async () => {
  const [alice, carol, sam] = await Promise.all([apiSignIn(suite.url, demo.alice), apiSignIn(suite.url, demo.carol), apiSignIn(suite.url, demo.sam)]);
  await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Quarterly revenue review', description: 'Prepare the numbers for the board meeting' });
  await carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Quarterly hiring plan', description: 'Two designers by summer' });
  const target = await sam.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Quarterly revenue target', year: new Date().getUTCFullYear(), quarter: 2 });

  const tab = await suite.openTab();
  await signIn(tab, demo.sam);
  const { page } = tab;
  await page.keyboard.press('/');
  const box = page.getByRole('searchbox', { name: 'Search goals and notifications' });
  expect(await box.evaluate((element) => element === document.activeElement)).toBe(true);
  await box.pressSequentially('quar rev');
  await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === 'quar rev');

  const goals = page.getByTestId('goals-results');
  await goals.getByRole('link', { name: 'Quarterly revenue review' }).waitFor();
  await goals.getByRole('link', { name: 'Quarterly revenue target' }).waitFor();
  expect(await goals.innerText()).not.toContain('hiring'); // Carol is in Olivia's team
  const notifications = page.getByTestId('notifications-results');
  await notifications.getByRole('link', { name: 'Goal awaiting your approval' }).waitFor();
  expect(await goals.locator('mark').first().innerText()).toBe('Quarterly');
  await screenshot(page, 'search-supervisor-1280');

  await page.getByRole('combobox', { name: 'Goal type' }).click();
  await page.getByRole('option', { name: 'Quarterly (organisational)' }).click();
  await page.waitForURL((url) => url.searchParams.get('goalType') === 'QUARTERLY');
  await goals.getByRole('link', { name: 'Quarterly revenue review' }).waitFor({ state: 'detached' });
  await goals.getByRole('link', { name: 'Quarterly revenue target' }).waitFor();
  await screenshot(page, 'search-filtered-1280');

  await page.reload();
  await goals.getByRole('link', { name: 'Quarterly revenue target' }).waitFor();
  expect(await page.getByRole('combobox', { name: 'Goal type' }).inputValue()).toBe('Quarterly (organisational)');
  expect(await box.inputValue()).toBe('quar rev');
  expect(await goals.getByRole('link').count()).toBe(1);

  await page.goBack();
  await goals.getByRole('link', { name: 'Quarterly revenue review' }).waitFor();
  await page.goForward();
  await goals.getByRole('link', { name: 'Quarterly revenue review' }).waitFor({ state: 'detached' });

  await goals.getByRole('link', { name: 'Quarterly revenue target' }).click();
  await page.waitForURL(`**/goals/${target.id}`);
  await page.getByRole('heading', { name: 'Quarterly revenue target' }).waitFor();
  // While typing in another field, "/" is just a character.
  await page.goto('/notifications');
  const historySearch = page.getByRole('searchbox', { name: 'Search', exact: true });
  await historySearch.pressSequentially('a/b');
  expect(await historySearch.inputValue()).toBe('a/b');
  expect(await historySearch.evaluate((element) => element === document.activeElement)).toBe(true);
  expect(tab.consoleErrors()).toEqual([]);

  // A supervisee, on a phone: the icon opens the box; her goal and the organisation's, nobody else's.
  const phone = await suite.openTab({ width: 375, height: 800 });
  await signIn(phone, demo.alice);
  await phone.page.getByRole('button', { name: 'Search', exact: true }).click();
  await phone.page.getByRole('searchbox', { name: 'Search goals and notifications' }).fill('quarterly');
  await screenshot(phone.page, 'search-box-open-375');
  await phone.page.keyboard.press('Enter');
  const hers = phone.page.getByTestId('goals-results');
  await hers.getByRole('link', { name: 'Quarterly revenue review' }).waitFor();
  await hers.getByRole('link', { name: 'Quarterly revenue target' }).waitFor();
  expect(await hers.getByRole('link').count()).toBe(2);
  await phone.page.getByTestId('notifications-results').or(phone.page.getByText('No notifications match')).waitFor();
  await screenshot(phone.page, 'search-supervisee-375');
  expect(phone.consoleErrors()).toEqual([]);
});
