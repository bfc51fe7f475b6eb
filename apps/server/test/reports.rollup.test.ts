/**
 * The rollup job (packages/api/src/reports/rollup.ts) under concurrency and faults: two runs at
 * once, a change committed while a run works, two server instances, a run's connection dropped.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { refreshReports } from '@pms/api';
import { createDatabase, seedDemoHistory, type DB } from '@pms/db';
import { useDemoServer } from './support/goals.js';
import { insertNotifications } from './support/reports.js';
import { startTestServer } from './support/server.js';

const { server, people } = useDemoServer();
const others: DB[] = [];
const pool = () => {
  const db = createDatabase({ connectionString: server.databaseUrl, max: 2 });
  others.push(db);
  return db;
};
afterAll(() => Promise.all(others.map((db) => db.destroy())));

async function rollup(db: DB) {
  const { rows: days } = await sql`select * from report_notification_days order by scope_id, day, type`.execute(db);
  const { rows: durations } = await sql`select * from report_notification_durations order by scope_id, measure, day, type, bucket`.execute(db);
  const { rows: weeks } = await sql`select * from report_notification_weekly_durations order by scope_id, measure, week, type, bucket`.execute(db);
  return { days, durations, weeks };
}

/** Runs until a run is not refused the lock (the servers' own minutely run may hold it a moment). */
async function settle(db: DB): Promise<string[]> {
  for (;;) {
    const days = await refreshReports(db);
    if (days) return days;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The rollup as a run from scratch computes it: every day marked, then one run. */
async function fromScratch(db: DB) {
  await sql`insert into report_dirty_days (day) select distinct (created_at at time zone 'UTC')::date from notifications`.execute(db);
  await settle(db);
  return rollup(db);
}

/** Holds a lock a run needs after it has taken its snapshot (to replace the days it recomputes) until released. */
async function blockRunsMidway(db: DB) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const held = db.transaction().execute(async (trx) => {
    await sql`lock table report_notification_days in share mode`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  return { release, held };
}

async function waitForBlockedRun(db: DB) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%delete from report_notification_days%'`.execute(db);
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no rollup run waited on the lock');
}

const sentOn = async (db: DB, day: string) =>
  (await sql<{ sent: number }>`select sent from report_notification_days where scope_id = 0 and day = ${day}::date`.execute(db)).rows.reduce((sum, row) => sum + row.sent, 0);

describe('reports: the rollup job', () => {
  it('two runs at once give the rollup one run from scratch gives', async () => {
    await insertNotifications(server.db, 3000, 1);
    const [first, second] = await Promise.all([refreshReports(server.db), refreshReports(pool())]);
    // One did the work; the other found it holding the lock (null), or came after it (nothing left).
    expect([first, second].filter((run) => run !== null && run.length > 0).length).toBeLessThanOrEqual(1);
    await settle(server.db);
    const concurrent = await rollup(server.db);
    expect(concurrent.days.length).toBeGreaterThan(50);
    expect(await fromScratch(server.db)).toEqual(concurrent);
  });

  it('keeps a change committed while a run works for the next run', async () => {
    const { db } = server;
    await insertNotifications(db, 500, 2);
    const other = pool();
    const blocker = await blockRunsMidway(other);
    const run = refreshReports(db);
    await waitForBlockedRun(other);
    // Committed after the run's snapshot: on a day the blocked transaction recomputes, and on a day it had no marker for.
    const before = await sentOn(db, '2025-02-26');
    await sql`insert into notifications (recipient_id, type, priority, title, message, created_at, expires_at)
      values (${people.alice.id}, 'GOAL_DUE_SOON', 'NORMAL', 'During the run', '', '2025-06-15T10:00:00Z', '2026-12-31T00:00:00Z'),
             (${people.alice.id}, 'GOAL_DUE_SOON', 'NORMAL', 'During the run', '', '2025-02-26T12:00:00Z', '2026-12-31T00:00:00Z')`.execute(db);
    blocker.release();
    await blocker.held;
    // The run's snapshot predates the change: it left the change's markers, for the next run.
    expect(await run).not.toContain('2025-06-15');
    expect(await sentOn(db, '2025-06-15')).toBe(0);
    expect((await sql<{ n: number }>`select count(*)::int as n from report_dirty_days`.execute(db)).rows[0]!.n).toBe(2);
    await settle(db);
    expect(await sentOn(db, '2025-06-15')).toBe(1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from notifications where created_at >= '2025-02-26Z' and created_at < '2025-02-27Z'`.execute(db);
    expect(await sentOn(db, '2025-02-26')).toBe(rows[0]!.n);
    expect(rows[0]!.n).toBeGreaterThan(before);
  });

  it('rolls a run back whole when its connection drops, and the next run does the work', async () => {
    const { db } = server;
    const before = await rollup(db);
    await sql`insert into notifications (recipient_id, type, priority, title, message, created_at, expires_at)
      values (${people.bob.id}, 'GOAL_DUE_SOON', 'NORMAL', 'Before the drop', '', '2025-07-01T10:00:00Z', '2026-12-31T00:00:00Z')`.execute(db);
    const other = pool();
    const blocker = await blockRunsMidway(other);
    const run = refreshReports(db);
    const pid = await waitForBlockedRun(other);
    await sql`select pg_terminate_backend(${pid})`.execute(other);
    await expect(run).rejects.toThrow();
    blocker.release();
    await blocker.held;
    // Nothing half-applied: the markers are back (never deleted), the rollup as it was, the lock gone with the session.
    expect(await rollup(db)).toEqual(before);
    await settle(db);
    expect(await sentOn(db, '2025-07-01')).toBe(1);
  });

  it('is run by the job queue of whichever instance; a second instance adds no double count', async () => {
    await sql`insert into notifications (recipient_id, type, priority, title, message, created_at, expires_at)
      values (${people.carol.id}, 'GOAL_DUE_SOON', 'NORMAL', 'Job run', '', '2025-08-01T10:00:00Z', '2026-12-31T00:00:00Z')`.execute(server.db);
    // A second instance enqueues a run as it starts; either instance's worker takes it.
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const range = { from: '2025-08-01', to: '2025-08-01' };
      let rows: Array<{ sent: number }> = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        rows = (await people.admin.api.reports.notificationsSent.query(range)).rows;
        if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(rows).toEqual([{ day: '2025-08-01', type: 'GOAL_DUE_SOON', sent: 1 }]);
      expect(await fromScratch(server.db)).toEqual(await rollup(server.db));
    } finally {
      await second.close();
    }
  });

  it('follows the org chart: a person moved to another team counts there once the job has run', async () => {
    const { db } = server;
    const { admin, sam, olivia, alice } = people;
    await settle(db);
    const range = { from: '2025-01-01', to: '2025-12-31' };
    const total = async (teamId: number) =>
      (await admin.api.reports.notificationsSent.query({ ...range, teamId })).rows.reduce((sum, row) => sum + row.sent, 0);
    const before = { sam: await total(sam.id), olivia: await total(olivia.id) };
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from notifications where recipient_id = ${alice.id} and created_at < '2026-01-01'`.execute(db);
    expect(rows[0]!.n).toBeGreaterThan(0);
    await admin.api.users.update.mutate({ id: alice.id, supervisorId: olivia.id });
    await settle(db);
    expect({ sam: await total(sam.id), olivia: await total(olivia.id) }).toEqual({ sam: before.sam - rows[0]!.n, olivia: before.olivia + rows[0]!.n });
    await admin.api.users.update.mutate({ id: alice.id, supervisorId: sam.id });
    await settle(db);
  });

  it('covers the demo history (npm start), added once, in every report', async () => {
    expect(await seedDemoHistory(server.db)).toBe(true);
    expect(await seedDemoHistory(server.db)).toBe(false);
    await settle(server.db);
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    const range = { from: day(42), to: day(0) };
    const { reports } = people.sam.api;
    expect((await reports.notificationsSent.query(range)).rows.length).toBeGreaterThan(40);
    expect((await reports.notificationReads.query(range)).rows.every((row) => row.readRate! > 0.5)).toBe(true);
    expect((await reports.actionsResolved.query(range)).rows.some((row) => row.resolved > 0)).toBe(true);
    const admin = people.admin.api.reports;
    expect((await admin.approvalTurnaround.query(range)).decided).toBeGreaterThan(3);
    expect((await admin.goalResponses.query(range)).assigned).toBeGreaterThan(2);
    expect((await admin.pendingDecisions.query(range)).rows.some((row) => row.approval + row.acceptance > 0)).toBe(true);
    expect((await admin.goalCompletion.query(range)).rows.some((row) => row.completed > 0)).toBe(true);
  });
});
