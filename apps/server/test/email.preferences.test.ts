import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterInputs } from '@pms/api';
import type { NotificationType } from '@pms/shared';
import { failOnCrashes } from './support/crashes.js';
import { dueNow, emailJobs, header, jobsDone, ledger, mailsTo, PUBLIC_URL, startMailingServer } from './support/email.js';
import { until } from './support/until.js';
import { addPerson, signInAll, type People } from './support/goals.js';
import { notify } from './support/notifications.js';
import { demo, type Person } from './support/server.js';

let mailing: Awaited<ReturnType<typeof startMailingServer>>;
let people: People;
beforeAll(async () => {
  mailing = await startMailingServer();
  people = await signInAll(mailing.server.url);
});
afterAll(() => mailing.close());
failOnCrashes();

type Categories = NonNullable<RouterInputs['preferences']['update']['categories']>;
const prefer = (person: Person, categories: Categories) => person.api.preferences.update.mutate({ categories });

/** Publishes one notification to `person` with the app's job queue, as producers do. */
async function notifyOne(person: Person, type: NotificationType, extra: { title?: string; link?: string | null } = {}) {
  const [id] = await notify(
    mailing.server.db,
    [{ recipientId: person.id, type, title: extra.title ?? `About ${type}`, message: `Something happened: ${type}`, link: extra.link ?? '/goals/1' }],
    mailing.server.app.deps.jobs,
  );
  return id!;
}

/** Resolves to the mail for notification `id` once it arrived (its deep link names it). */
function mailOf(email: string, id: number) {
  return until(() => mailsTo(mailing.smtp, email).find((mail) => mail.text?.includes(`notification=${id}`)), `the email of notification ${id} arrived`);
}


describe('email.preferences', () => {
  it('immediately: one mail within seconds with the title, message, deep link, preferences link and one-click unsubscribe', async () => {
    const { alice } = people;
    await prefer(alice, { goals: { email: true, emailTiming: 'immediately' } });
    const started = Date.now();
    const id = await notifyOne(alice, 'GOAL_APPROVED', { title: 'Goal approved', link: '/goals/42' });
    const mail = await mailOf(demo.alice, id);
    expect(Date.now() - started).toBeLessThan(5000);

    const deepLink = `${PUBLIC_URL}/goals/42?notification=${id}`;
    expect(mail.subject).toBe('Goal approved');
    expect(header(mail, 'to')).toBe(demo.alice);
    expect(header(mail, 'from')).toBe('PMS Goals <no-reply@pms.localhost>');
    expect(mail.text).toContain('Something happened: GOAL_APPROVED');
    expect(mail.text).toContain(deepLink);
    expect(mail.text).not.toContain('waiting for your decision');
    expect(mail.html).toContain(`href="${deepLink}"`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/settings/notifications"`);
    expect(mail.html).toContain('email is on for goal notifications');
    const unsubscribe = header(mail, 'list-unsubscribe');
    expect(unsubscribe).toMatch(new RegExp(`^<${PUBLIC_URL}/unsubscribe\\?token=[\\w-]+\\.[\\w-]+>$`));
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.html).toContain(`href="${unsubscribe!.slice(1, -1)}"`);

    // The ledger is marked after the SMTP server's answer: once the job finished.
    await jobsDone(mailing.server.db, id);
    const [row] = await ledger(mailing.server.db, id);
    expect(row).toMatchObject({ status: 'sent', kind: 'notification', category: 'goals', user_id: alice.id, transport: 'smtp', attempts: 1 });
    expect(row!.message_id).toBe(mail.messageId);
    expect(mailsTo(mailing.smtp, demo.alice).filter((m) => m.text?.includes(`notification=${id}`))).toHaveLength(1);
  });

  it('category × email on/off × timing: a job now, one after the delay, or none (digests and never are not sent one by one)', async () => {
    const { dave } = people;
    const types = { goals: 'GOAL_COMPLETED', initiatives: 'INITIATIVE_ASSIGNED', reviews: 'REVIEW_DUE' } as const;
    const timings = ['immediately', 'unreadAfter', 'hourly', 'daily', 'never'] as const;
    for (const [category, type] of Object.entries(types) as Array<[keyof typeof types, NotificationType]>) {
      for (const email of [true, false]) {
        for (const emailTiming of timings) {
          const what = `${category}, email ${email ? 'on' : 'off'}, ${emailTiming}`;
          await prefer(dave, { [category]: { email, emailTiming, unreadDelayMinutes: 7 } });
          const before = Date.now();
          const id = await notifyOne(dave, type);
          const jobs = await emailJobs(mailing.server.db, id);
          if (!email || !['immediately', 'unreadAfter'].includes(emailTiming)) {
            expect(jobs, what).toEqual([]);
            continue;
          }
          expect(jobs, what).toHaveLength(1);
          const due = jobs[0]!.start_after.getTime() - before;
          if (emailTiming === 'immediately') expect(due, what).toBeLessThan(1000);
          else expect(Math.abs(due - 7 * 60_000), what).toBeLessThan(2000);
          if (emailTiming === 'unreadAfter') await dueNow(mailing.server.db, id); // seven minutes pass
          // Before the next change of preferences: the job reads them when it runs.
          await mailOf(demo.dave, id);
        }
      }
    }
    // One mail each for the six that are sent one by one, in their category's words.
    expect(mailsTo(mailing.smtp, demo.dave)).toHaveLength(6);
    expect(mailsTo(mailing.smtp, demo.dave).map((mail) => mail.text!.match(/email is on for (\w+) notifications/)?.[1]).sort()).toEqual([
      'goal',
      'goal',
      'initiative',
      'initiative',
      'review',
      'review',
    ]);
  });

  it('in-app off but email on: the notification is born archived and the mail still goes', async () => {
    const { carol } = people;
    await prefer(carol, { goals: { inApp: false, email: true, emailTiming: 'immediately' } });
    const id = await notifyOne(carol, 'GOAL_COMPLETED', { title: 'Goal completed' });
    const row = await mailing.server.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.archived_at).not.toBeNull();
    expect(row.read_at).not.toBeNull();
    const mail = await mailOf(demo.carol, id);
    expect(mail.subject).toBe('Goal completed');
  });

  it('decides again at send time: email switched off, or moved to a digest, after the job was enqueued sends nothing', async () => {
    const { bob } = people;
    await prefer(bob, { goals: { email: true, emailTiming: 'unreadAfter', unreadDelayMinutes: 30 } });
    const switchedOff = await notifyOne(bob, 'GOAL_COMPLETED');
    const toDigest = await notifyOne(bob, 'GOAL_CANCELLED');
    await prefer(bob, { goals: { email: false } });
    await dueNow(mailing.server.db, switchedOff);
    await jobsDone(mailing.server.db, switchedOff);
    await prefer(bob, { goals: { email: true, emailTiming: 'daily' } });
    await dueNow(mailing.server.db, toDigest);
    await jobsDone(mailing.server.db, toDigest);
    expect(await ledger(mailing.server.db, switchedOff)).toEqual([]);
    expect(await ledger(mailing.server.db, toDigest)).toEqual([]);
    expect(mailsTo(mailing.smtp, demo.bob)).toEqual([]);
  });

  it('sends nothing for a notification deleted or expired meanwhile, or to a person deactivated meanwhile', async () => {
    const { admin, sam } = people;
    const erin = await addPerson(mailing.server.url, admin, { email: 'erin@demo.pms', name: 'Erin Engineer', supervisorId: sam.id });
    for (const person of [sam, erin]) await prefer(person, { goals: { email: true, emailTiming: 'unreadAfter', unreadDelayMinutes: 5 } });
    const deleted = await notifyOne(sam, 'GOAL_COMPLETED');
    const expired = await notifyOne(sam, 'GOAL_CANCELLED');
    const toDeactivated = await notifyOne(erin, 'GOAL_COMPLETED');
    await sam.api.notifications.delete.mutate({ id: deleted });
    await mailing.server.db.updateTable('notifications').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired).execute();
    await admin.api.users.update.mutate({ id: erin.id, active: false });
    for (const id of [deleted, expired, toDeactivated]) {
      await dueNow(mailing.server.db, id);
      await jobsDone(mailing.server.db, id);
      expect(await ledger(mailing.server.db, id)).toEqual([]);
    }
    expect(mailsTo(mailing.smtp, demo.sam)).toEqual([]);
    expect(mailsTo(mailing.smtp, 'erin@demo.pms')).toEqual([]);
  });

  it('a goal flow: a submitted goal emails the supervisor, saying a decision waits', async () => {
    const { olivia, carol } = people;
    await prefer(olivia, { goals: { email: true, emailTiming: 'immediately' } });
    const goal = await carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Learn Rust' });
    const notification = await mailing.server.db
      .selectFrom('notifications')
      .select('id')
      .where('recipient_id', '=', olivia.id)
      .where('request_key', '=', `goal:${goal.id}:approval`)
      .executeTakeFirstOrThrow();
    const mail = await mailOf(demo.olivia, notification.id);
    expect(mail.subject).toBe('Goal awaiting your approval');
    expect(mail.text).toContain('Carol');
    expect(mail.text).toContain('"Learn Rust"');
    expect(mail.text).toContain('This is waiting for your decision: approve or reject it in PMS Goals.');
    expect(mail.text).toContain(`${PUBLIC_URL}/goals/${goal.id}?notification=${notification.id}`);
  });
});
