/** The preferences API: each bad field named, null back to the default, and how defaults apply. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failOnCrashes } from './support/crashes.js';
import { demo, failure, signIn, startTestServer, type Person, type TestServer } from './support/server.js';

let server: TestServer;
let admin: Person, bob: Person, carol: Person;
beforeAll(async () => {
  server = await startTestServer();
  [admin, bob, carol] = await Promise.all([signIn(server.url, demo.admin), signIn(server.url, demo.bob), signIn(server.url, demo.carol)]);
});
afterAll(() => server.close());
failOnCrashes();

const categoryOf = (view: { categories: Array<{ category: string }> }, category: string) =>
  view.categories.find((c) => c.category === category) as (typeof view.categories)[number] & {
    effective: Record<string, unknown>;
    own: Record<string, unknown>;
    defaults: Record<string, unknown>;
  };

describe('preferences.update validation', () => {
  it.each([
    ['a bad timing', { categories: { goals: { emailTiming: 'sometimes' } } }, 'categories.goals.emailTiming', 'emailTiming must be one of immediately, unreadAfter, hourly, daily, never'],
    ['a delay of 0', { categories: { goals: { unreadDelayMinutes: 0 } } }, 'categories.goals.unreadDelayMinutes', 'unreadDelayMinutes must be between 1 and 10080'],
    ['a bad time zone', { timeZone: 'Mars/Olympus' }, 'timeZone', 'timeZone must be a time zone name like Europe/Berlin'],
    ['quiet hours that start when they end', { quietHours: { start: '22:00', end: '22:00' } }, 'quietHours', 'quietHours: start and end must differ'],
    ['a bad clock time', { quietHours: { start: '25:00', end: '07:00' } }, 'quietHours.start', 'quietHours.start must be a time like 22:00'],
    ['an unknown category', { categories: { holidays: { email: true } } }, 'categories', 'Unrecognized key: "holidays"'],
  ])('%s: BAD_REQUEST naming the field', async (_, input, field, message) => {
    const error = await failure(bob.api.preferences.update.mutate(input as never));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.fieldErrors?.[field] ?? error.message).toContain(message);
    expect(error.message).toContain(field.split('.').at(-1)!);
  });
});

describe('preferences.update', () => {
  it('keeps own choices and resets a field to the organisation default with null', async () => {
    const mine = await bob.api.preferences.update.mutate({
      categories: { goals: { email: false, emailTiming: 'unreadAfter', unreadDelayMinutes: 45 } },
      quietHours: { start: '22:00', end: '07:00' },
      decisionsDigest: false,
    });
    const goals = categoryOf(mine, 'goals');
    expect(goals.own).toEqual({ email: false, emailTiming: 'unreadAfter', unreadDelayMinutes: 45 });
    expect(goals.effective).toMatchObject({ email: false, emailTiming: 'unreadAfter', unreadDelayMinutes: 45 });
    expect(mine).toMatchObject({ quietHours: { start: '22:00', end: '07:00' }, decisionsDigest: false });

    const reset = await bob.api.preferences.update.mutate({ categories: { goals: { email: null, emailTiming: null } }, quietHours: null });
    const after = categoryOf(reset, 'goals');
    expect(after.own).toEqual({ unreadDelayMinutes: 45 });
    expect(after.effective.email).toBe(after.defaults.email);
    expect(after.effective.emailTiming).toBe(after.defaults.emailTiming);
    expect(reset.quietHours).toBeNull();
    // A reload shows the same.
    expect(await bob.api.preferences.mine.query()).toEqual(reset);
  });

  it("a changed default applies to people without their own choice, not to those with one", async () => {
    await bob.api.preferences.update.mutate({ categories: { initiatives: { emailTiming: 'never' } } });
    const before = await admin.api.preferences.defaults.query();
    const next = before.initiatives.emailTiming === 'daily' ? 'hourly' : 'daily';
    const defaults = await admin.api.preferences.updateDefaults.mutate({ categories: { initiatives: { emailTiming: next } } });
    expect(defaults.initiatives.emailTiming).toBe(next);

    const [bobs, carols] = await Promise.all([bob.api.preferences.mine.query(), carol.api.preferences.mine.query()]);
    expect(categoryOf(bobs, 'initiatives').effective.emailTiming).toBe('never');
    expect(categoryOf(carols, 'initiatives').effective.emailTiming).toBe(next);
    expect(categoryOf(carols, 'initiatives').defaults.emailTiming).toBe(next);
  });

  it('names bad defaults too', async () => {
    const error = await failure(admin.api.preferences.updateDefaults.mutate({ categories: { goals: { unreadDelayMinutes: 0 } } }));
    expect([error.data?.code, error.message]).toEqual(['BAD_REQUEST', 'categories.goals.unreadDelayMinutes: unreadDelayMinutes must be between 1 and 10080']);
  });
});
