import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { dueNow, emailJobs, jobsDone, ledger, mailsTo, startMailingServer } from './support/email.js';
import { until } from './support/until.js';
import { signInAll, type People } from './support/goals.js';
import { notify, sample } from './support/notifications.js';
import { demo, type Person } from './support/server.js';

let mailing: Awaited<ReturnType<typeof startMailingServer>>;
let people: People;
beforeAll(async () => {
  mailing = await startMailingServer();
  people = await signInAll(mailing.server.url);
});
afterAll(() => mailing.close());
failOnCrashes();

const unreadAfter = (person: Person, minutes: number) =>
  person.api.preferences.update.mutate({ categories: { goals: { email: true, emailTiming: 'unreadAfter', unreadDelayMinutes: minutes } } });

/** Commits a notification to `person` (a GOAL_COMPLETED, so no request) with the app's job queue. */
const notifyOne = async (person: Person, n: number) =>
  (await notify(mailing.server.db, [sample(person.id, n, { type: 'GOAL_COMPLETED', link: '/goals/1' })], mailing.server.app.deps.jobs))[0]!;

/** The local wall clock in `timeZone`, `HH:MM`, `minutes` from now. */
function clockIn(timeZone: string, minutes: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now() + minutes * 60_000);
}

describe('email.scheduling', () => {
  it('unread after N minutes: reading it in the app before then cancels the email', async () => {
    const { alice } = people;
    await unreadAfter(alice, 1);
    const read = await notifyOne(alice, 1);
    const unread = await notifyOne(alice, 2);
    await alice.api.notifications.setRead.mutate({ ids: [read], read: true });
    await dueNow(mailing.server.db, read); // the minute passes
    await dueNow(mailing.server.db, unread);
    await jobsDone(mailing.server.db, read);
    await jobsDone(mailing.server.db, unread);
    expect(await ledger(mailing.server.db, read)).toEqual([]);
    await until(async () => mailsTo(mailing.smtp, demo.alice).length === 1, 'the unread one was mailed');
    expect(mailsTo(mailing.smtp, demo.alice)[0]!.text).toContain(`notification=${unread}`);
  });

  it('unread after N minutes: deciding its request in the app (not reading it) cancels the email', async () => {
    const { sam, bob } = people;
    await unreadAfter(sam, 30);
    const goal = await bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Write the runbook' });
    const { id } = await mailing.server.db
      .selectFrom('notifications')
      .select('id')
      .where('recipient_id', '=', sam.id)
      .where('request_key', '=', `goal:${goal.id}:approval`)
      .executeTakeFirstOrThrow();
    const [job] = await emailJobs(mailing.server.db, id);
    expect(job!.start_after.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    // Approved from the goal's page: the notification stays unread, but its request is resolved.
    await sam.api.goals.approve.mutate({ id: goal.id });
    const row = await mailing.server.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.resolved_at).not.toBeNull();
    await dueNow(mailing.server.db, id);
    await jobsDone(mailing.server.db, id);
    expect(await ledger(mailing.server.db, id)).toEqual([]);
    expect(mailsTo(mailing.smtp, demo.sam)).toEqual([]);
  });

  it('a rolled-back change leaves no email job and sends nothing', async () => {
    const { carol } = people;
    await carol.api.preferences.update.mutate({ categories: { goals: { email: true, emailTiming: 'immediately' } } });
    let rolledBack = 0;
    const failed = mailing.server.db.transaction().execute(async (trx) => {
      const [stored] = await publish(trx, { notifications: [sample(carol.id, 1, { type: 'GOAL_COMPLETED' })], ttlDays: 30, jobs: mailing.server.app.deps.jobs });
      rolledBack = stored!.id;
      expect(await emailJobs(trx, rolledBack)).toHaveLength(1); // enqueued, inside the transaction
      throw new Error('the change failed after publishing');
    });
    await expect(failed).rejects.toThrow('the change failed after publishing');
    expect(await emailJobs(mailing.server.db, rolledBack)).toEqual([]);
    // A committed one after it is mailed; the rolled-back one never is.
    const committed = await notifyOne(carol, 2);
    await jobsDone(mailing.server.db, committed);
    await until(async () => mailsTo(mailing.smtp, demo.carol).length === 1, 'the committed one was mailed');
    expect(mailsTo(mailing.smtp, demo.carol)[0]!.text).toContain(`notification=${committed}`);
    expect(await ledger(mailing.server.db, rolledBack)).toEqual([]);
  });

  it('quiet hours: nothing now, a job at their end (in the person’s time zone); outside them it sends', async () => {
    const { dave } = people;
    const timeZone = 'Asia/Kathmandu'; // UTC+05:45, no summer time: the end is an exact instant
    await dave.api.preferences.update.mutate({
      categories: { goals: { email: true, emailTiming: 'immediately' } },
      timeZone,
      quietHours: { start: clockIn(timeZone, -60), end: clockIn(timeZone, 90) },
    });
    const startOfMinute = Date.now() - (Date.now() % 60_000);
    const held = await notifyOne(dave, 1);
    await until(
      async () => (await emailJobs(mailing.server.db, held)).map((job) => job.state).join() === 'completed,created',
      'the job moved itself to the end of quiet hours',
    );
    const [, later] = await emailJobs(mailing.server.db, held);
    // 90 minutes from the minute the clock read when quiet hours were set (the minute may have turned since: the same instant).
    expect([startOfMinute + 90 * 60_000, startOfMinute + 91 * 60_000]).toContain(later!.start_after.getTime());
    expect(await ledger(mailing.server.db, held)).toEqual([]);
    expect(mailsTo(mailing.smtp, demo.dave)).toEqual([]);

    // Later, outside quiet hours: it goes when its time comes, and a new one goes at once.
    await dave.api.preferences.update.mutate({ quietHours: { start: clockIn(timeZone, 120), end: clockIn(timeZone, 180) } });
    await dueNow(mailing.server.db, held);
    const direct = await notifyOne(dave, 2);
    await until(async () => mailsTo(mailing.smtp, demo.dave).length === 2, 'both were mailed');
    // The ledger is marked after the SMTP server's answer: once the jobs finished.
    for (const id of [held, direct]) await jobsDone(mailing.server.db, id);
    for (const id of [held, direct]) expect((await ledger(mailing.server.db, id))[0]!.status).toBe('sent');
    expect(await emailJobs(mailing.server.db, direct)).toHaveLength(1);
  });
});
