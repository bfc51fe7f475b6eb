/**
 * The email channel end to end, with no SMTP server (mail kept, as `npm start` runs): Sam asks for
 * goal emails at once on his preferences page, Alice submits a goal, and the administrator finds
 * the mail that went to Sam in Sent mail, rendered, with its way to the decision and to unsubscribe.
 */
import { expect, it } from 'vitest';
import { demo, signIn as apiSignIn } from '../../server/test/support/server.js';
import { screenshot, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

it('sends the mail a person asked for, and Sent mail shows it', async () => {
  const samTab = await suite.openTab();
  await signIn(samTab, demo.sam);
  const sam = samTab.page;
  await sam.getByTestId('user-menu').click();
  await sam.getByRole('menuitem', { name: 'Notification preferences' }).click();
  await sam.getByTestId('goals-timing').click();
  await sam.getByRole('option', { name: 'Immediately' }).click();
  await sam.getByTestId('save-preferences').click();
  await sam.getByText('Your notification preferences are saved').waitFor();

  const alice = await apiSignIn(suite.url, demo.alice);
  const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Mentor two new joiners' });

  const adminTab = await suite.openTab();
  await signIn(adminTab, demo.admin);
  const admin = adminTab.page;
  await admin.goto('/admin/mail');
  await admin.getByRole('heading', { name: 'Sent mail' }).waitFor();
  // The job runs within a second of the commit; the list shows it once it is sent.
  const row = admin.getByTestId('mail-row').filter({ hasText: 'sam@demo.pms' }).filter({ hasText: 'Goal awaiting your approval' });
  for (let attempt = 0; (await row.count()) === 0; attempt++) {
    expect(attempt, 'the mail to Sam never showed in Sent mail').toBeLessThan(20);
    await admin.waitForTimeout(500);
    await admin.reload();
    await admin.getByRole('heading', { name: 'Sent mail' }).waitFor();
  }
  await row.getByRole('cell').first().click();
  const frame = admin.frameLocator('[data-testid="mail-frame"]');
  await frame.getByRole('heading', { name: 'Goal awaiting your approval' }).waitFor();
  expect(await frame.locator('body').innerText()).toContain('Mentor two new joiners');
  const open = frame.getByRole('link', { name: /open/i }).first();
  expect(await open.getAttribute('href')).toContain(`/goals/${goal.id}?notification=`);
  await screenshot(admin, 'sent-mail-real-1280');
  await admin.getByRole('tab', { name: 'Headers' }).click();
  expect(await admin.getByTestId('mail-headers').textContent()).toContain('List-Unsubscribe-Post');
  expect(samTab.consoleErrors()).toEqual([]);
  expect(adminTab.consoleErrors()).toEqual([]);
});
