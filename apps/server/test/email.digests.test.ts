/**
 * Email digests over a real server and a real SMTP server: the daily digest at each person's
 * local morning, the supervisor's "waiting for your decision" digest, never empty, once per
 * period across passes and instances, delayed by quiet hours. Scheduling passes are run "as if
 * at" a chosen moment (`app.digests.schedule(now)`); the jobs they start run for real.
 */
import { sql } from 'kysely';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestJob } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { notify, sample } from './support/notifications.js';
import { demo, signIn, startTestServer, type Person, type TestServer } from './support/server.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { until } from './support/until.js';

const PUBLIC_URL = 'https://pms.example.com';
let smtp: TestSmtp;
let server: TestServer;
let second: TestServer;
beforeAll(async () => {
  smtp = await startSmtp();
  const env = { SMTP_URL: smtp.url, PUBLIC_URL };
  server = await startTestServer({ env });
  second = await startTestServer({ databaseUrl: server.databaseUrl, env });
});
afterAll(async () => {
  await second?.close();
  await server?.close();
  await smtp?.close();
});
failOnCrashes();

let people = 0;
/** A new person (so tests never see each other's mail), signed in. */
async function newPerson(): Promise<Person & { email: string }> {
  const email = `digest-${++people}@example.com`;
  const { password_hash } = await server.db.selectFrom('users').select('password_hash').where('email', '=', demo.alice).executeTakeFirstOrThrow();
  await server.db.insertInto('users').values({ email, name: `Digest Person ${people}`, password_hash }).execute();
  return { ...(await signIn(server.url, email)), email };
}

/** The next time the clock in `timeZone` shows 08:10, as a UTC instant (zones with whole-hour offsets). */
function nextMorning(timeZone: string, after = new Date()): Date {
  for (let at = new Date(Math.ceil(after.getTime() / 3_600_000) * 3_600_000 + 10 * 60_000); ; at = new Date(at.getTime() + 3_600_000)) {
    const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
    if (hour === '08') return at;
  }
}

const mailsTo = (address: string) => smtp.received.filter((mail) => mail.to && 'text' in mail.to && mail.to.text === address);

/** The digest jobs of a person, as pg-boss holds them. */
async function digestJobs(userId: number) {
  const { rows } = await sql<{ state: string; start_after: Date; data: { kind: string; period: string } }>`
    select state, start_after, data from pgboss.job where name = 'email.digest' and (data->>'userId')::int = ${userId} order by created_on
  `.execute(server.db);
  return rows;
}

/** Waits until every digest job of the person finished (sent, or found nothing to send). */
async function jobsDone(userId: number, count: number): Promise<void> {
  await until(async () => {
    const jobs = await digestJobs(userId);
    return jobs.length >= count && jobs.every((job) => job.state === 'completed');
  }, `the digest jobs of user ${userId} completed`);
}

const header = (mail: ParsedMail, key: string) => mail.headerLines.find((line) => line.key === key)?.line.replace(/^[^:]+:\s*/, '');
/** The notification ids the mail links to, in order. */
const linkedIds = (mail: ParsedMail) => [...String(mail.html).matchAll(/\?notification=(\d+)"/g)].map((match) => Number(match[1]));
/** The scope a List-Unsubscribe link names (its signed token carries it in the clear). */
function unsubscribeScope(mail: ParsedMail) {
  const url = /^<(.+)>$/.exec(header(mail, 'list-unsubscribe') ?? '')![1]!;
  expect(url.startsWith(`${PUBLIC_URL}/unsubscribe?token=`)).toBe(true);
  const body = new URL(url).searchParams.get('token')!.split('.')[0]!;
  return JSON.parse(Buffer.from(body, 'base64url').toString()) as { u: number; s: string };
}

describe('daily digest', () => {
  it('at local morning lists the unread notifications of daily-timed categories, newest first, and nothing read, resolved or of another timing', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'daily' }, reviews: { emailTiming: 'daily' }, initiatives: { emailTiming: 'immediately' } } });
    const [older, read, newer, review, resolved] = await notify(server.db, [
      sample(person.id, 1, { type: 'GOAL_ASSIGNED', title: 'Older goal', link: '/goals/1' }),
      sample(person.id, 2, { type: 'GOAL_ASSIGNED', title: 'Read goal' }),
      sample(person.id, 3, { type: 'GOAL_ASSIGNED', title: 'Newer goal', link: '/goals/3' }),
      sample(person.id, 4, { type: 'REVIEW_DUE', title: 'A review' }),
      sample(person.id, 5, { type: 'GOAL_ASSIGNED', title: 'Resolved goal' }),
      sample(person.id, 6, { type: 'INITIATIVE_ASSIGNED', title: 'Initiative news' }),
    ]);
    await sql`update notifications set created_at = created_at - interval '1 minute' where id = ${older}`.execute(server.db);
    await person.api.notifications.markRead.mutate({ id: read! });
    await sql`update notifications set resolved_at = now() where id = ${resolved}`.execute(server.db);

    const morning = nextMorning('UTC');
    const runs = await server.app.digests.schedule(morning);
    expect(runs).toContainEqual({ userId: person.id, kind: 'daily', period: morning.toISOString().slice(0, 10) });
    await until(() => mailsTo(person.email).length === 1, 'the digest arrived');
    const [mail] = mailsTo(person.email);
    expect(mail!.subject).toBe('Your daily digest: 3 unread notifications');
    expect(mail!.text).toContain('Newer goal');
    expect(mail!.text).toContain('A review');
    for (const absent of ['Read goal', 'Resolved goal', 'Initiative news']) expect(mail!.text).not.toContain(absent);
    expect(linkedIds(mail!)).toEqual([review, newer, older]);
    expect(mail!.html).toContain(`href="${PUBLIC_URL}/goals/3?notification=${newer}"`);
    // Two categories: the one-click header stops the first (goals); the body links each.
    expect(unsubscribeScope(mail!)).toEqual({ u: person.id, s: 'category:goals' });
    expect(header(mail!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail!.text).toMatch(/Stop emails about goals.*reviews/s);
  });

  it('names at most 50 and counts the rest', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'daily' } } });
    const ids = await notify(server.db, Array.from({ length: 53 }, (_, n) => sample(person.id, n, { type: 'GOAL_ASSIGNED' })));
    await server.app.digests.schedule(nextMorning('UTC'));
    await until(() => mailsTo(person.email).length === 1, 'the digest arrived');
    const [mail] = mailsTo(person.email);
    expect(mail!.subject).toBe('Your daily digest: 53 unread notifications');
    expect(linkedIds(mail!)).toEqual(ids.slice(3).reverse());
    expect(mail!.text).toContain('and 3 more in the app.');
  });

  it('is not sent outside the morning hour', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'daily' } } });
    await notify(server.db, [sample(person.id, 1, { type: 'GOAL_ASSIGNED' })]);
    const morning = nextMorning('UTC');
    for (const hoursAway of [-1, 1, 6]) {
      const runs = await server.app.digests.schedule(new Date(morning.getTime() + hoursAway * 3_600_000));
      expect(runs!.filter((run) => run.userId === person.id)).toEqual([]);
    }
    expect(await digestJobs(person.id)).toEqual([]);
  });

  it('is never empty: nothing unread of a daily category, no mail', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'daily' }, initiatives: { emailTiming: 'immediately' } } });
    // Unread, but of a category not on daily timing: the run starts, the job finds nothing to say.
    await notify(server.db, [sample(person.id, 1, { type: 'INITIATIVE_ASSIGNED' })]);
    const runs = await server.app.digests.schedule(nextMorning('UTC'));
    expect(runs!.filter((run) => run.userId === person.id).map((run) => run.kind)).toEqual(['daily']);
    await jobsDone(person.id, 1);
    const nobody = await newPerson(); // no notifications at all: not even started
    expect((await server.app.digests.schedule(nextMorning('UTC')))!.filter((run) => run.userId === nobody.id)).toEqual([]);
    expect(await server.db.selectFrom('mail_messages').select('id').where('user_id', 'in', [person.id, nobody.id]).execute()).toEqual([]);
    expect(mailsTo(person.email)).toEqual([]);
  });

  it('goes out once per day across scheduling passes, two instances and a job run twice', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'daily' } } });
    await notify(server.db, [sample(person.id, 1, { type: 'GOAL_ASSIGNED', title: 'Only once' })]);
    const morning = nextMorning('UTC');
    const passes = await Promise.all([server.app.digests.schedule(morning), second.app.digests.schedule(morning)]);
    await server.app.digests.schedule(new Date(morning.getTime() + 20 * 60_000));
    await second.app.digests.schedule(new Date(morning.getTime() + 40 * 60_000));
    expect(passes.flatMap((runs) => runs ?? []).filter((run) => run.userId === person.id)).toHaveLength(1);
    await until(() => mailsTo(person.email).length === 1, 'the digest arrived');
    await jobsDone(person.id, 1);
    // The job run again (as after its process died between sending and completing it): the mail is already sent.
    const run = { userId: person.id, kind: 'daily' as const, period: morning.toISOString().slice(0, 10) };
    await second.app.deps.jobs.enqueue(second.db, digestJob, run);
    await jobsDone(person.id, 2);
    expect(mailsTo(person.email)).toHaveLength(1);
    const rows = await server.db.selectFrom('digest_runs').selectAll().where('user_id', '=', person.id).execute();
    expect(rows.map((row) => [row.kind, row.period])).toEqual([['daily', run.period]]);
  });

  it('a pass cut off by the database starts nothing; the next pass starts the digest once', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'daily' } } });
    await notify(server.db, [sample(person.id, 1, { type: 'GOAL_ASSIGNED', title: 'Survives the outage' })]);
    const morning = nextMorning('UTC');
    // The pass waits on a lock mid-way, and its connection is cut there.
    const failed = await server.db.transaction().execute(async (trx) => {
      await sql`lock table digest_runs in exclusive mode`.execute(trx);
      const pass = server.app.digests.schedule(morning);
      await until(async () => {
        const { rows } = await sql<{ pid: number }>`
          select pid from pg_locks where relation = 'digest_runs'::regclass and not granted`.execute(trx);
        for (const { pid } of rows) await sql`select pg_terminate_backend(${pid})`.execute(trx);
        return rows.length > 0;
      }, 'the pass waited on the lock');
      return pass;
    });
    expect(failed).toBeNull();
    expect(await server.db.selectFrom('digest_runs').select('kind').where('user_id', '=', person.id).execute()).toEqual([]);
    expect(await digestJobs(person.id)).toEqual([]);
    const runs = await server.app.digests.schedule(new Date(morning.getTime() + 60_000));
    expect(runs!.filter((run) => run.userId === person.id).map((run) => run.kind)).toEqual(['daily']);
    await until(() => mailsTo(person.email).length === 1, 'the digest arrived');
    expect(mailsTo(person.email)[0]!.text).toContain('Survives the outage');
  });

  it('follows the time zone: Tokyo mornings are 23:00 UTC', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ timeZone: 'Asia/Tokyo', categories: { goals: { emailTiming: 'daily' } } });
    await notify(server.db, [sample(person.id, 1, { type: 'GOAL_ASSIGNED', title: 'Tokyo goal' })]);
    const utcMorning = nextMorning('UTC');
    expect((await server.app.digests.schedule(utcMorning))!.filter((run) => run.userId === person.id)).toEqual([]);
    const tokyoMorning = nextMorning('Asia/Tokyo');
    expect(tokyoMorning.getUTCHours()).toBe(23);
    const runs = await server.app.digests.schedule(tokyoMorning);
    const tokyoDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(tokyoMorning);
    expect(runs!.filter((run) => run.userId === person.id)).toEqual([{ userId: person.id, kind: 'daily', period: tokyoDate }]);
    await until(() => mailsTo(person.email).length === 1, 'the digest arrived');
    expect(mailsTo(person.email)[0]!.text).toContain('Tokyo goal');
  });

  it('waits for the end of quiet hours, then goes out', async () => {
    const person = await newPerson();
    const clock = (at: Date) => at.toISOString().slice(11, 16);
    const now = new Date();
    const end = new Date(now.getTime() + 2 * 3_600_000);
    await person.api.preferences.update.mutate({
      categories: { goals: { emailTiming: 'daily' } },
      quietHours: { start: clock(new Date(now.getTime() - 3_600_000)), end: clock(end) },
    });
    await notify(server.db, [sample(person.id, 1, { type: 'GOAL_ASSIGNED', title: 'After the quiet' })]);
    await server.app.digests.schedule(nextMorning('UTC'));
    // The first job puts off the digest by creating the later one, then completes once its handler returns.
    await until(async () => (await digestJobs(person.id)).map((job) => job.state).join() === 'completed,created', 'the digest was put off');
    const [first, later] = await digestJobs(person.id);
    expect(first!.state).toBe('completed');
    expect(later!.state).toBe('created');
    expect(clock(later!.start_after)).toBe(clock(end));
    expect(mailsTo(person.email)).toEqual([]);
    // The quiet hours end (their end brought to now): the job that was put off sends it.
    await person.api.preferences.update.mutate({ quietHours: null });
    await sql`update pgboss.job set start_after = now() where name = 'email.digest' and state = 'created' and (data->>'userId')::int = ${person.id}`.execute(server.db);
    await until(() => mailsTo(person.email).length === 1, 'the digest arrived after the quiet hours');
    expect(mailsTo(person.email)[0]!.text).toContain('After the quiet');
  });
});

describe('hourly digest', () => {
  it('names what arrived in the hour before, once per hour, with the one category it covers to unsubscribe from', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ categories: { goals: { emailTiming: 'hourly' } } });
    const [goal] = await notify(server.db, [sample(person.id, 1, { type: 'GOAL_ASSIGNED', title: 'This hour', link: '/goals/7' })]);
    const nextHour = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 10 * 60_000);
    const period = nextHour.toISOString().slice(0, 13);
    expect((await server.app.digests.schedule(new Date(nextHour.getTime() - 3_600_000)))!.filter((run) => run.userId === person.id)).toEqual([]);
    expect((await server.app.digests.schedule(nextHour))!.filter((run) => run.userId === person.id)).toEqual([{ userId: person.id, kind: 'hourly', period }]);
    expect((await second.app.digests.schedule(new Date(nextHour.getTime() + 30 * 60_000)))!.filter((run) => run.userId === person.id)).toEqual([]);
    await until(() => mailsTo(person.email).length === 1, 'the hourly digest arrived');
    const [mail] = mailsTo(person.email);
    expect(mail!.subject).toBe('Your hourly digest: 1 unread notification');
    expect(mail!.html).toContain(`href="${PUBLIC_URL}/goals/7?notification=${goal}"`);
    expect(unsubscribeScope(mail!)).toEqual({ u: person.id, s: 'category:goals' });
  });
});

describe('decisions digest', () => {
  it('lists the requests waiting, oldest first with their age, and stops once they are decided', async () => {
    const person = await newPerson();
    const requests = await notify(server.db, [
      sample(person.id, 1, { title: 'Approve Q1 goal', requestKey: 'goal:9001:approval', link: '/goals/9001' }),
      sample(person.id, 2, { title: 'Approve Q2 goal', requestKey: 'goal:9002:approval' }),
      sample(person.id, 3, { title: 'Approve Q3 goal', requestKey: 'goal:9003:approval' }),
    ]);
    const [q1, q2, q3] = requests as [number, number, number];
    await sql`update notifications set created_at = now() - interval '3 days 2 hours' where id = ${q2}`.execute(server.db);
    await sql`update notifications set created_at = now() - interval '5 hours 10 minutes' where id = ${q1}`.execute(server.db);
    await sql`update notifications set resolved_at = now() where id = ${q3}`.execute(server.db);
    const morning = nextMorning('UTC');
    const runs = await server.app.digests.schedule(morning);
    expect(runs!.filter((run) => run.userId === person.id)).toEqual([{ userId: person.id, kind: 'decisions', period: morning.toISOString().slice(0, 10) }]);
    await until(() => mailsTo(person.email).length === 1, 'the decisions digest arrived');
    const [mail] = mailsTo(person.email);
    expect(mail!.subject).toBe('2 decisions waiting for you');
    expect(linkedIds(mail!)).toEqual([q2, q1]);
    expect(mail!.text).toMatch(/Approve Q2 goal[\s\S]*waiting 3 days[\s\S]*Approve Q1 goal[\s\S]*waiting 5 hours/);
    expect(mail!.text).not.toContain('Approve Q3 goal');
    expect(unsubscribeScope(mail!)).toEqual({ u: person.id, s: 'decisionsDigest' });

    // All decided: the next morning has nothing to say.
    await sql`update notifications set resolved_at = now() where id in (${q1}, ${q2})`.execute(server.db);
    const tomorrow = await server.app.digests.schedule(new Date(morning.getTime() + 86_400_000));
    expect(tomorrow!.filter((run) => run.userId === person.id)).toEqual([]);
  });

  it('is not sent to someone who turned it off', async () => {
    const person = await newPerson();
    await person.api.preferences.update.mutate({ decisionsDigest: false });
    await notify(server.db, [sample(person.id, 1, { requestKey: 'goal:9100:approval' })]);
    const runs = await server.app.digests.schedule(nextMorning('UTC'));
    expect(runs!.filter((run) => run.userId === person.id)).toEqual([]);
  });
});
