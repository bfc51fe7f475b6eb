/**
 * Due-date reminders under faults: an instance killed while it holds a reminder's job, and
 * PostgreSQL down when a reminder comes due. Each reminder is raised once all the same.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashFixture } from './support/crash-fixture.js';
import { startChildServer } from './support/child-server.js';
import { waitingForLock } from './support/database.js';
import { migratedDatabase, startOwnPostgres, type OwnPostgres } from './support/postgres.js';
import { demo, signIn, startTestServer, type TestServer } from './support/server.js';

async function day(db: Kysely<any>, days: number): Promise<string> {
  const { rows } = await sql<{ date: string }>`select to_char((now() at time zone 'UTC')::date + ${days}::int, 'YYYY-MM-DD') as date`.execute(db);
  return rows[0]!.date;
}

async function dueSoonJobs(db: Kysely<any>, goalId: number) {
  const { rows } = await sql<{ state: string; retries: number }>`
    select state, retry_count as retries from pgboss.job
    where name = 'goal.reminder' and (data->>'goalId')::int = ${goalId} and data->>'threshold' = 'dueSoon' order by created_on`.execute(db);
  return rows;
}

async function dueSoonNotifications(db: Kysely<any>, goalId: number): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from notifications where type = 'GOAL_DUE_SOON' and (data->>'goalId')::int = ${goalId}`.execute(db);
  return rows[0]!.count;
}

describe('an instance killed while it holds a reminder job', () => {
  const fixture = crashFixture();

  it('its job runs again elsewhere and the reminder is raised once', { timeout: 60_000 }, async () => {
    // The only instance when the reminder comes due; its statements may wait as long as it takes.
    const { db } = fixture;
    const crashing = (fixture.crashing = await startChildServer(fixture.url, 'reminders-crashing', { DB_LOCK_TIMEOUT_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '60000' }));
    const alice = await signIn(crashing.url, demo.alice);
    const sam = await signIn(crashing.url, demo.sam);
    const dueDate = await day(db, 3);
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Crash course', dueDate });
    // The creation's job finds the goal awaiting approval and does nothing.
    await expect.poll(async () => (await dueSoonJobs(db, goal.id)).map((job) => job.state), { timeout: 20_000 }).toEqual(['completed']);

    // Hold the reminder's row: the approval's job, once taken, waits inside its handler's transaction.
    const holder = await db.startTransaction().execute();
    await holder.insertInto('goal_reminders').values({ goal_id: goal.id, threshold: 'dueSoon', due_date: dueDate }).execute();
    await sam.api.goals.approve.mutate({ id: goal.id });
    await waitingForLock(db);
    expect((await dueSoonJobs(db, goal.id)).map((job) => job.state)).toEqual(['completed', 'active']);

    await crashing.kill();
    await holder.rollback().execute();

    // Another instance takes over: the job expires (10 s after it started), runs again, raises it once.
    const survivor = (fixture.survivor = await startTestServer({ databaseUrl: fixture.url, seed: false }));
    await expect.poll(() => dueSoonNotifications(db, goal.id), { timeout: 40_000, interval: 200 }).toBe(1);
    await expect.poll(async () => (await dueSoonJobs(db, goal.id))[1], { timeout: 10_000 }).toEqual({ state: 'completed', retries: 1 });
    await sleep(1000);
    expect(await dueSoonNotifications(db, goal.id)).toBe(1);
  });
});

describe('PostgreSQL down when a reminder comes due', () => {
  let postgres: OwnPostgres;
  let server: TestServer;
  beforeAll(async () => {
    postgres = await startOwnPostgres();
    server = await startTestServer({ databaseUrl: await migratedDatabase(postgres), seed: true });
  });
  afterAll(async () => {
    await server?.close();
    await postgres?.destroy();
  });

  it('the process lives through the outage, and the reminder is raised once the database is back', { timeout: 60_000 }, async () => {
    const alice = await signIn(server.url, demo.alice);
    const sam = await signIn(server.url, demo.sam);
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Outage', dueDate: await day(server.db, 20) });
    await sam.api.goals.approve.mutate({ id: goal.id });
    // Its due-soon day comes two seconds from now, in the middle of the outage.
    await sql`update pgboss.job set start_after = now() + interval '2 seconds'
      where name = 'goal.reminder' and (data->>'goalId')::int = ${goal.id} and data->>'threshold' = 'dueSoon' and state = 'created'`.execute(server.db);
    await postgres.stop();
    await sleep(4000);
    await postgres.start();

    const raised = () => dueSoonNotifications(server.db, goal.id).catch(() => -1);
    await expect.poll(raised, { timeout: 30_000, interval: 200 }).toBe(1);
    await sleep(1000);
    expect(await dueSoonNotifications(server.db, goal.id)).toBe(1);
  });
});
