/**
 * The job queue (packages/api/src/jobs/queue.ts) under faults, through its one job so far: a
 * snoozed notification's return. Exactly one return event, whatever happens to the processes and
 * connections that run it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_APPLICATION_NAME, notificationReturnJob } from '@pms/api';
import type { DB } from '@pms/db';
import { crashFixture } from './support/crash-fixture.js';
import { startChildServer } from './support/child-server.js';
import { failOnCrashes } from './support/crashes.js';
import { waitingForLock } from './support/database.js';
import { recountStats } from './support/inbox.js';
import { EventLog } from './support/event-log.js';
import { followNotifications, notify, sample, type NotificationLog } from './support/notifications.js';
import { migratedDatabase, startOwnPostgres, type OwnPostgres } from './support/postgres.js';
import { demo, signIn, startTestServer, wsClient, type Person, type TestServer, type WsSession } from './support/server.js';

let a: TestServer;
let b: TestServer;
const sockets: WsSession[] = [];
beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer({ databaseUrl: a.databaseUrl });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await b?.close();
  await a?.close();
});
failOnCrashes();

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function follow(server: { url: string }, person: Person): Promise<NotificationLog> {
  const socket = wsClient(server.url, person.token);
  sockets.push(socket);
  return followNotifications(socket.client);
}

async function returnJobs(db: DB, id: number) {
  const { rows } = await sql<{ state: string; retry_count: number }>`
    select state, retry_count from pgboss.job where name = 'notification.return' and (data->>'notificationId')::bigint = ${id}
  `.execute(db);
  return rows;
}

async function upsertedEvents(db: DB, id: number): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from user_events where topic = 'notification' and kind = 'upserted' and payload->>'id' = ${String(id)}
  `.execute(db);
  return rows[0]!.count;
}

/** Ends every connection pg-boss holds on this database, as an administrator or a failover would. */
async function terminateJobConnections(db: DB): Promise<number> {
  const { rows } = await sql<{ pid: number }>`
    select pg_terminate_backend(pid), pid from pg_stat_activity
    where datname = current_database() and application_name = ${JOBS_APPLICATION_NAME}
  `.execute(db);
  return rows.length;
}

describe('jobs', () => {
  it('enqueues nothing when the transaction rolls back, and exactly the job when it commits', async () => {
    const alice = await signIn(a.url, demo.alice);
    const [kept, rolledBack] = await notify(a.db, [sample(alice.id, 1), sample(alice.id, 2)]);
    const { jobs } = a.app.deps;
    const failed = a.db.transaction().execute(async (trx) => {
      await jobs.enqueue(trx, notificationReturnJob, { notificationId: rolledBack! }, { startAfter: inSeconds(3600) });
      throw new Error('changed my mind');
    });
    await expect(failed).rejects.toThrow('changed my mind');
    await a.db.transaction().execute((trx) => jobs.enqueue(trx, notificationReturnJob, { notificationId: kept! }, { startAfter: inSeconds(3600) }));

    expect(await returnJobs(a.db, rolledBack!)).toEqual([]);
    expect(await returnJobs(a.db, kept!)).toEqual([{ state: 'created', retry_count: 0 }]);
  });

  it('two instances on one database: each return happens once, on the devices of both', async () => {
    const bob = await signIn(a.url, demo.bob);
    const [onA, onB] = [await follow(a, bob), await follow(b, bob)];
    const ids = await notify(a.db, [1, 2, 3, 4, 5, 6].map((n) => sample(bob.id, n)));
    const until = inSeconds(1.5);
    for (const id of ids) await bob.api.notifications.snooze.mutate({ id, until });

    for (const log of [onA, onB]) {
      const events = await log.take(ids.length * 3); // created, state, upserted for each
      const upserted = events.flatMap((event) => (event.data.kind === 'upserted' ? [event.data.notification.id] : []));
      expect(upserted.sort((x, y) => x - y)).toEqual(ids);
    }
    await sleep(1000);
    for (const log of [onA, onB]) expect(log.received).toHaveLength(ids.length * 3);
    for (const id of ids) expect(await upsertedEvents(a.db, id)).toBe(1);
    onA.close();
    onB.close();
  });

  it('outlives the termination of its connections: the process stays up and snoozes still return', async () => {
    const carol = await signIn(a.url, demo.carol);
    const log = await follow(a, carol);
    const [first, second] = await notify(a.db, [sample(carol.id, 1), sample(carol.id, 2)]);
    await log.take(2);
    await carol.api.notifications.snooze.mutate({ id: first!, until: inSeconds(1) });

    // Around its due time, every connection of both instances' queues is ended, again and again.
    let terminated = 0;
    const stopAt = Date.now() + 3000;
    while (Date.now() < stopAt) {
      terminated += await terminateJobConnections(a.db);
      await sleep(50);
    }
    expect(terminated).toBeGreaterThan(0);

    // It returns (at once, or once a job whose outcome was lost expires and runs again).
    const [state, upserted] = await log.take(2);
    expect([state!.data.kind, upserted!.data]).toMatchObject(['state', { kind: 'upserted', notification: { id: first } }]);

    // And a later snooze returns on time.
    const until = inSeconds(1);
    await carol.api.notifications.snooze.mutate({ id: second!, until });
    const [, back] = await log.take(2);
    expect(back!.data).toMatchObject({ kind: 'upserted', notification: { id: second } });
    expect(Date.now() - until.getTime()).toBeLessThan(2500);

    for (const id of [first!, second!]) expect(await upsertedEvents(a.db, id)).toBe(1);
    log.close();
  });
});

describe('a process killed while it holds a job', () => {
  const fixture = crashFixture();

  it('its job is retried elsewhere and the notification returns exactly once', { timeout: 60_000 }, async () => {
    // The only instance when the job comes due; its statements may wait for locks as long as it takes.
    const { db } = fixture;
    const crashing = (fixture.crashing = await startChildServer(fixture.url, 'jobs-crashing', { DB_LOCK_TIMEOUT_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '60000' }));
    const dave = await signIn(crashing.url, demo.dave);
    const [id] = await notify(db, [sample(dave.id, 1)]);
    const { lastEventId } = await dave.api.notifications.stats.query();
    await dave.api.notifications.snooze.mutate({ id: id!, until: inSeconds(1) });

    // Hold the notification's row: the job, once taken, waits inside its handler's transaction.
    const holder = await db.startTransaction().execute();
    await holder.selectFrom('notifications').select('id').where('id', '=', id!).forUpdate().execute();
    await waitingForLock(db);
    expect(await returnJobs(db, id!)).toEqual([{ state: 'active', retry_count: 0 }]);

    await crashing.kill();
    await holder.rollback().execute();

    // Another instance takes over: the job expires (10 s after it started), is retried, returns it once.
    const survivor = (fixture.survivor = await startTestServer({ databaseUrl: fixture.url, seed: false }));
    const socket = wsClient(survivor.url, dave.token);
    sockets.push(socket);
    const log = await EventLog.open(socket.client.notifications.onEvent, lastEventId);
    const events = await log.take(2);
    expect(events.map((event) => event.data.kind)).toEqual(['state', 'upserted']);
    await sleep(1000);
    expect(log.received).toHaveLength(2);
    expect(await upsertedEvents(db, id!)).toBe(1);
    expect(await returnJobs(db, id!)).toEqual([{ state: 'completed', retry_count: 1 }]);
    log.close();
  });
});

describe('PostgreSQL down when a return or a counts fold comes due', () => {
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

  it('the process lives through the outage, and the notification returns once the database is back', { timeout: 60_000 }, async () => {
    const alice = await signIn(server.url, demo.alice);
    const [id] = await notify(server.db, [sample(alice.id, 1)]);
    await alice.api.notifications.snooze.mutate({ id: id!, until: inSeconds(1) });

    // Due in the middle of it: polls and maintenance fail meanwhile (logged, never thrown).
    await postgres.stop();
    await sleep(3000);
    await postgres.start();

    const returned = async () => {
      const row = await server.db.selectFrom('notifications').select('snoozed_until').where('id', '=', id!).executeTakeFirst().catch(() => null);
      return row !== null && row?.snoozed_until === null;
    };
    await expect.poll(returned, { timeout: 30_000, interval: 200 }).toBe(true);
    await sleep(1000);
    expect(await upsertedEvents(server.db, id!)).toBe(1);
  });

  it('the counts fold fails during an outage without throwing, and folds what is pending once the database is back', { timeout: 60_000 }, async () => {
    const alice = await signIn(server.url, demo.alice);
    await notify(server.db, Array.from({ length: 6 }, (_, n) => sample(alice.id, n, { priority: n % 2 ? 'HIGH' : 'LOW' })));
    await postgres.stop();
    await expect(server.app.countFolding.fold()).resolves.toBeUndefined(); // logged, not thrown
    await postgres.start();

    const folded = async () => {
      await server.app.countFolding.fold();
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from notification_counts where pending`.execute(server.db).catch(() => ({ rows: [{ n: -1 }] }));
      return rows[0]!.n;
    };
    await expect.poll(folded, { timeout: 30_000, interval: 200 }).toBe(0);
    const { lastEventId: _, ...stats } = await alice.api.notifications.stats.query();
    expect(stats).toEqual(await recountStats(server.db, alice.id));
  });
});
