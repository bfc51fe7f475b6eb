/**
 * Keeps the notification rollup (migration 2026_12_07_0004) current. Writers only append dirty-day
 * markers (a trigger); a run deletes the markers it sees and recomputes those days from
 * `notifications`, in one REPEATABLE READ transaction: the markers it deletes and the rows it
 * reads come from the same snapshot, so a change committed after it started keeps its marker
 * (never seen, never deleted) and the next run takes it. Nothing is half-applied: a failure
 * (the database dropping, the process dying) rolls the run back, markers included.
 *
 * One run at a time across instances: a session advisory lock, taken BEFORE the transaction (so
 * its snapshot follows the previous holder's commit); a run that finds it held does nothing, the
 * holder or a later run takes the markers. A day's scopes are the org chart at computation time.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, DB } from '@pms/db';
import type { JobKind } from '../jobs/queue.js';
import type { Logger } from '../ops/logger.js';
import type { ApiDeps } from '../trpc.js';

/** Days one transaction recomputes; more wait for the next transaction of the same run. */
const DAYS_PER_TRANSACTION = 7;
const LOCK = sql`hashtext('reports rollup')`;

/** What each recipient counts for: the organisation (0) and every supervisor above them now. */
const SCOPES = sql`
  with recursive up(user_id, scope_id) as (
    select id, supervisor_id from users where supervisor_id is not null
    union all
    select up.user_id, u.supervisor_id from up join users u on u.id = up.scope_id where u.supervisor_id is not null
  )
  select user_id, scope_id from up union all select id, 0 from users`;

async function recompute(trx: Kysely<Database>, days: string[]): Promise<void> {
  const dayList = sql`${days}::date[]`;
  await sql`delete from report_notification_days where day = any(${dayList})`.execute(trx);
  await sql`delete from report_notification_durations where day = any(${dayList})`.execute(trx);
  await sql`create temp table report_scopes on commit drop as ${SCOPES}`.execute(trx);
  // The days' notifications, live (one each) and deleted (retired facts, counted), as the same facts:
  // the delete trigger of migration 2026_12_07_0004 records these expressions. Inline, not a
  // function returning a row: PostgreSQL would call that once per field (20 times slower).
  await sql`
    create temp table report_rows on commit drop as
    select (n.created_at at time zone 'UTC')::date as day, n.recipient_id, n.type, n.request_key is not null as asked,
      case when n.request_key is not null and n.resolved_at is not null then n.resolution->>'outcome' end as outcome,
      case when n.read_at is not null then report_duration_bucket(extract(epoch from n.read_at - n.created_at)::float8) end as read_bucket,
      case when n.request_key is not null and n.resolved_at is not null then report_duration_bucket(extract(epoch from n.resolved_at - n.created_at)::float8) end as resolve_bucket,
      1 as n
    from unnest(${dayList}) as d(day)
    join notifications n on n.created_at >= d.day::timestamp at time zone 'UTC' and n.created_at < (d.day + 1)::timestamp at time zone 'UTC'
    union all
    select day, recipient_id, type, asked, outcome, read_bucket, resolve_bucket, count
    from report_notification_retired where day = any(${dayList})`.execute(trx);
  await sql`analyze report_scopes`.execute(trx);
  await sql`analyze report_rows`.execute(trx);
  await sql`
    insert into report_notification_days (day, scope_id, type, sent, read, asked, resolved, outcomes)
    select day, scope_id, type, sum(sent), sum(read), sum(asked), sum(resolved),
           coalesce(jsonb_object_agg(outcome, resolved) filter (where outcome is not null), '{}')
    from (
      select r.day, s.scope_id, r.type, r.outcome, sum(n) as sent, coalesce(sum(n) filter (where r.read_bucket is not null), 0) as read,
             coalesce(sum(n) filter (where r.asked), 0) as asked, coalesce(sum(n) filter (where r.resolve_bucket is not null), 0) as resolved
      from report_rows r join report_scopes s on s.user_id = r.recipient_id
      group by 1, 2, 3, 4
    ) as per_outcome
    group by day, scope_id, type`.execute(trx);
  await sql`
    insert into report_notification_durations (day, scope_id, type, measure, bucket, count)
    select r.day, s.scope_id, r.type, m.measure, m.bucket, sum(r.n)
    from report_rows r join report_scopes s on s.user_id = r.recipient_id
    cross join lateral (values ('read', r.read_bucket), ('resolve', r.resolve_bucket)) as m(measure, bucket)
    where m.bucket is not null
    group by 1, 2, 3, 4, 5`.execute(trx);
  // The weeks holding these days, summed again from their days.
  const weeks = sql`(select distinct date_trunc('week', d)::date from unnest(${dayList}) as d)`;
  await sql`delete from report_notification_weekly_durations where week in ${weeks}`.execute(trx);
  await sql`
    insert into report_notification_weekly_durations (week, scope_id, type, measure, bucket, count)
    select date_trunc('week', day)::date, scope_id, type, measure, bucket, sum(count)
    from report_notification_durations
    where day >= (select min(w) from ${weeks} as w(w)) and day < (select max(w) from ${weeks} as w(w)) + 7
      and date_trunc('week', day)::date in ${weeks}
    group by 1, 2, 3, 4, 5`.execute(trx);
}

/** One transaction: takes up to DAYS_PER_TRANSACTION dirty days (of markers up to `lastMarker`) and recomputes them; returns them. */
async function refreshSome(connection: Kysely<Database>, lastMarker: string): Promise<string[]> {
  return connection
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const { rows } = await sql<{ day: string }>`
        delete from report_dirty_days
        where id <= ${lastMarker} and day in (select distinct day from report_dirty_days where id <= ${lastMarker} order by day limit ${DAYS_PER_TRANSACTION})
        returning to_char(day, 'YYYY-MM-DD') as day`.execute(trx);
      const days = [...new Set(rows.map((row) => row.day))].sort();
      if (days.length > 0) await recompute(trx, days);
      return days;
    });
}

/**
 * Recomputes the days marked when it starts, a few per transaction (markers added meanwhile are
 * the next run's: a steady stream of changes never keeps one run going); null when another run
 * holds the lock (it or the next run takes the markers).
 */
export async function refreshReports(db: DB): Promise<string[] | null> {
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ taken: boolean }>`select pg_try_advisory_lock(${LOCK}) as taken`.execute(connection);
    if (!rows[0]!.taken) return null;
    try {
      const { rows: last } = await sql<{ id: string | null }>`select max(id)::text as id from report_dirty_days`.execute(connection);
      const lastMarker = last[0]!.id;
      const done: string[] = [];
      if (lastMarker === null) return done;
      for (let some = await refreshSome(connection, lastMarker); some.length > 0; some = await refreshSome(connection, lastMarker)) done.push(...some);
      return done;
    } finally {
      // A dropped connection releases the lock with it; then this fails too, and is not the error to report.
      await sql`select pg_advisory_unlock(${LOCK})`.execute(connection).catch(() => {});
    }
  });
}

export const reportRollupJob: JobKind<Record<string, never>> = {
  name: 'reports.rollup',
  options: {
    // A backlog of many days (after the migration, or a long outage) runs for minutes, a few days per transaction.
    expireInSeconds: 30 * 60,
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
  },
  handle: async (_data, deps) => {
    const days = await refreshReports(deps.db);
    if (days && days.length > 0) deps.log.info({ days: days.length }, 'reports: rollup refreshed');
  },
};

/**
 * Every instance enqueues a rollup run each minute (and one at start): a run that finds another
 * holding the lock does nothing, so instances never double the work, and a lost instance is no gap.
 */
export class ReportRollupScheduler {
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: Pick<ApiDeps, 'db' | 'jobs'>,
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    void this.enqueue();
    this.#timer ??= setInterval(() => void this.enqueue(), this.intervalMs).unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  private async enqueue(): Promise<void> {
    await this.deps.jobs.enqueue(this.deps.db, reportRollupJob, {}).catch((error: Error) => {
      this.log.warn({ err: error }, 'reports: rollup not enqueued; the next tick tries again');
    });
  }
}
