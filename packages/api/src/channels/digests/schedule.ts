/**
 * Starts the digests that are due: every minute, on every instance. A pass is one transaction:
 * one statement per kind inserts a `digest_runs` row for everyone due (its primary key makes a
 * digest start once per person, kind and period), and the jobs that send them are added in the
 * same transaction, so a run row never exists without its job, nor a job without its row. One
 * pass at a time across instances (an advisory lock; another instance's tick skips); a pass that
 * fails (the database is away) starts nothing, and the next minute's pass tries again.
 *
 * Who is due:
 * - `daily` and `decisions`: people whose local time is in MORNING_HOUR, once per local date;
 * - `hourly`: people with a category's email on hourly timing, once per UTC hour.
 * Only people with something to say are started (never empty); the job checks again at send time.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import type { Logger } from '../../ops/logger.js';
import type { ApiDeps } from '../../trpc.js';
import { digestJob, MORNING_HOUR, pending, type DigestRun } from './job.js';

/**
 * Active people in their morning, with their local date. PostgreSQL's list of zones is read once
 * per statement; a zone it does not know counts as UTC.
 */
const morning = (now: Date) => sql`
  with zones as materialized (select name from pg_timezone_names),
  people as (
    select u.id, coalesce(z.name, 'UTC') as zone, coalesce(s.decisions_digest, true) as decisions
    from users u
    left join user_settings s on s.user_id = u.id
    left join zones z on z.name = s.time_zone
    where u.active
  )
  select id, zone, (${now}::timestamptz at time zone zone)::date as day, decisions from people
  where extract(hour from ${now}::timestamptz at time zone zone) = ${MORNING_HOUR}`;

/** Whether person `u` has some category's email on with this timing. */
const hasTiming = (timing: 'daily' | 'hourly') => sql<boolean>`exists (
  select 1 from preference_defaults d
  left join user_preferences own on own.user_id = u.id and own.category = d.category
  where coalesce(own.email, d.email) and coalesce(own.email_timing, d.email_timing) = ${timing})`;

async function startDaily(trx: Kysely<Database>, now: Date): Promise<DigestRun[]> {
  // The window: the local day up to this morning (see job.ts).
  const { rows } = await sql<DigestRun>`
    with due as (${morning(now)})
    insert into digest_runs (user_id, kind, period)
    select u.id, 'daily', to_char(u.day, 'YYYY-MM-DD') from due u
    where ${hasTiming('daily')} and exists (
      select 1 from notifications n
      where n.recipient_id = u.id and ${pending(now)}
        and n.created_at >= ((u.day - 1) + make_time(${MORNING_HOUR}, 0, 0)) at time zone u.zone
        and n.created_at < (u.day + make_time(${MORNING_HOUR}, 0, 0)) at time zone u.zone)
    on conflict do nothing
    returning user_id as "userId", kind, period`.execute(trx);
  return rows;
}

async function startDecisions(trx: Kysely<Database>, now: Date): Promise<DigestRun[]> {
  const { rows } = await sql<DigestRun>`
    with due as (${morning(now)})
    insert into digest_runs (user_id, kind, period)
    select due.id, 'decisions', to_char(due.day, 'YYYY-MM-DD') from due
    where due.decisions and exists (
      select 1 from notifications n where n.recipient_id = due.id and n.request_key is not null and ${pending(now)})
    on conflict do nothing
    returning user_id as "userId", kind, period`.execute(trx);
  return rows;
}

async function startHourly(trx: Kysely<Database>, now: Date): Promise<DigestRun[]> {
  // The window: the UTC hour before the period's (see job.ts).
  const { rows } = await sql<DigestRun>`
    with hour as (select date_trunc('hour', ${now}::timestamptz at time zone 'UTC') as start)
    insert into digest_runs (user_id, kind, period)
    select u.id, 'hourly', to_char(hour.start, 'YYYY-MM-DD"T"HH24') from users u cross join hour
    where u.active
      and ${hasTiming('hourly')}
      and exists (
        select 1 from notifications n
        where n.recipient_id = u.id and ${pending(now)}
          and n.created_at >= (hour.start - interval '1 hour') at time zone 'UTC'
          and n.created_at < hour.start at time zone 'UTC')
    on conflict do nothing
    returning user_id as "userId", kind, period`.execute(trx);
  return rows;
}

/** One pass at `now`: returns the digests it started, or null when another instance's pass holds the lock. */
export async function scheduleDigests(deps: Pick<ApiDeps, 'db' | 'jobs'>, now = new Date()): Promise<DigestRun[] | null> {
  return deps.db.transaction().execute(async (trx) => {
    const { rows: lock } = await sql<{ taken: boolean }>`select pg_try_advisory_xact_lock(hashtext('digests schedule')) as taken`.execute(trx);
    if (!lock[0]!.taken) return null;
    const runs = [...(await startDaily(trx, now)), ...(await startDecisions(trx, now)), ...(await startHourly(trx, now))];
    await deps.jobs.enqueueMany(trx, digestJob, runs.map((data) => ({ data })));
    return runs;
  });
}

/** Runs a pass every `intervalMs`, one after another; failures are logged and the next tick retries. */
export class DigestScheduler {
  #timer: NodeJS.Timeout | null = null;
  #last: Promise<unknown> = Promise.resolve();
  #queued = 0;

  constructor(
    private readonly deps: Pick<ApiDeps, 'db' | 'jobs'>,
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    // A tick while a pass is still waiting (the database is slow or away) adds nothing: they would pile up.
    this.#timer ??= setInterval(() => {
      if (this.#queued === 0) void this.schedule();
    }, this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#last;
  }

  /** One pass now (or as if at `now`), after any pass in progress; null when another instance held the lock or it failed. */
  schedule(now?: Date): Promise<DigestRun[] | null> {
    this.#queued++;
    const pass = this.#last
      .then(() => scheduleDigests(this.deps, now))
      .catch((error: Error) => {
        this.log.warn({ err: error }, 'digests: scheduling pass failed; the next tick retries');
        return null;
      })
      .finally(() => void this.#queued--);
    this.#last = pass;
    return pass;
  }
}
