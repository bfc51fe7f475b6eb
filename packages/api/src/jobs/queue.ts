/**
 * Work that must happen later, or again after a crash: a job is a row in PostgreSQL (pg-boss,
 * schema `pgboss`), enqueued in the transaction of the change that needs it, so it exists exactly
 * when that change committed. Every instance polls; `FOR UPDATE SKIP LOCKED` hands each job to one.
 *
 * A job kind belongs to the capability that defines it (e.g. notifications/snooze.ts); the server
 * passes the list to `start`, so a new kind never touches this file. Handlers must be idempotent:
 * a job whose process died (or that outlived `expireInSeconds`) runs again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import { createDatabase, type ConnectionLimits, type Database, type DB } from '@pms/db';
import type { Logger } from '../ops/logger.js';
import type { ApiDeps } from '../trpc.js';

/** Names pg-boss's connections in pg_stat_activity. */
export const JOBS_APPLICATION_NAME = 'pms-jobs';

export interface JobKind<Data extends object> {
  /** The queue's name, e.g. `notification.return`. */
  name: string;
  /** How its jobs are retried and when a running one counts as lost (pg-boss queue options). */
  options: Required<Pick<PgBoss.Queue, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>>;
  /** Jobs of this kind one instance runs at once (default 5): more for work that mostly waits (SMTP). */
  batchSize?: number;
  handle(data: Data, deps: ApiDeps): Promise<void>;
}

export interface JobQueueOptions {
  connectionString: string;
  limits?: ConnectionLimits;
  log: Logger;
}

/** How often an idle kind asks for due jobs: how late a job may start (pg-boss's minimum). */
const POLL_INTERVAL_MS = 500;
/**
 * How often jobs that outlived their `expireInSeconds` (their process died) are put back to be
 * retried; one instance does it per interval, whichever comes first.
 */
const MAINTENANCE_INTERVAL_SECONDS = 5;
/** Jobs one kind takes at once on one instance, unless the kind says otherwise. */
const BATCH_SIZE = 5;

/** Runs pg-boss's statements in the caller's transaction (its `{ db }` option). */
function inTransaction(trx: Kysely<Database>): PgBoss.Db {
  return { executeSql: (text, values) => trx.executeQuery(CompiledQuery.raw(text, values)) };
}

/**
 * Runs pg-boss's own statements on the queue's pool. Its maintenance sends scripts
 * (`BEGIN; …; COMMIT;`): one failing midway would hand its connection back inside an aborted
 * transaction, and every later statement on it would fail, so it is rolled back right there.
 */
function onPool(db: DB): PgBoss.Db {
  return {
    executeSql: (text, values) =>
      db.connection().execute(async (connection) => {
        try {
          return await connection.executeQuery(CompiledQuery.raw(text, values));
        } catch (error) {
          await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
          throw error;
        }
      }),
  };
}

export class JobQueue {
  readonly #log: Logger;
  /** pg-boss's own small pool: it never takes a connection a call is waiting for. */
  readonly #db: DB;
  readonly #boss: PgBoss;
  #workers: Array<Promise<void>> = [];
  readonly #stopping = new AbortController();

  constructor(options: JobQueueOptions) {
    this.#log = options.log;
    // createDatabase gives every client an error handler for its whole life: a terminated
    // connection fails the statement in progress, never the process.
    this.#db = createDatabase({
      connectionString: options.connectionString,
      max: 2,
      limits: options.limits,
      applicationName: JOBS_APPLICATION_NAME,
      onConnectionError: (error) => this.#log.warn({ error: error.message }, 'jobs: connection lost'),
    });
    this.#boss = new PgBoss({
      db: onPool(this.#db),
      schema: 'pgboss',
      // No cron schedules: its timekeeper would run pg-boss's own worker (see #work).
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS,
    });
    // Maintenance failing (the database is down) is retried on its next interval. One caught
    // mid-run by stop() finds its pool closed: nothing to report.
    this.#boss.on('error', (error) => {
      if (!this.#stopping.signal.aborted) this.#log.warn({ err: error }, 'jobs: pg-boss error');
    });
  }

  /** Creates pg-boss's schema and each kind's queue (both once, whichever instance comes first), then works them. */
  async start(kinds: Array<JobKind<any>>, deps: ApiDeps): Promise<void> {
    await this.#boss.start();
    for (const kind of kinds) await this.#boss.createQueue(kind.name, { name: kind.name, policy: 'standard', ...kind.options });
    this.#workers = kinds.map((kind) => this.#work(kind, deps));
  }

  /**
   * Adds a job in the caller's transaction: it runs (at `startAfter`, or now) only if that commits.
   * Returns the job's id.
   */
  async enqueue<Data extends object>(
    trx: Kysely<Database>,
    kind: JobKind<Data>,
    data: Data,
    options: { startAfter?: Date } = {},
  ): Promise<string> {
    // The kind's policy travels with each job: a queue created by an older version keeps its own.
    const id = await this.#boss.send(kind.name, data, { ...kind.options, startAfter: options.startAfter, db: inTransaction(trx) });
    // pg-boss inserts nothing (and says null) for a queue that was never created.
    if (!id) throw new Error(`jobs: no queue ${kind.name} (is its kind passed to JobQueue.start?)`);
    return id;
  }

  /**
   * Adds many jobs of one kind in the caller's transaction, in one statement (see `enqueue`).
   * pg-boss's insert says nothing of what it inserted: a kind never passed to `start` would be
   * dropped silently, which `start` rules out for every kind the server runs.
   */
  async enqueueMany<Data extends object>(trx: Kysely<Database>, kind: JobKind<Data>, jobs: Array<{ data: Data; startAfter?: Date }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.#boss.insert(
      jobs.map(({ data, startAfter }) => ({ name: kind.name, data, startAfter, ...kind.options })),
      { db: inTransaction(trx) },
    );
  }

  /**
   * Puts a failed job back to run again (pg-boss raises its retry limit by one). False when it
   * is no longer failed: someone retried it first.
   */
  async retry(name: string, id: string): Promise<boolean> {
    // pg-boss 10 answers { affected } (manager.js mapCommandResponse); its typings say void.
    const { affected } = (await this.#boss.retry(name, id)) as unknown as { affected: number };
    return affected > 0;
  }

  /** Stops polling, lets the jobs in hand finish, then closes pg-boss and its connections. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.all(this.#workers);
    await this.#boss.stop({ graceful: false }).catch((error: Error) => this.#log.warn({ err: error }, 'jobs: stop failed'));
    await this.#db.destroy();
  }

  /**
   * One kind's loop. pg-boss's own `work()` completes or fails a job without awaiting it: with the
   * database down that rejection goes unhandled and ends the process. Here every outcome is
   * awaited and a failure to record it is logged; the job then expires and runs again.
   */
  async #work(kind: JobKind<any>, deps: ApiDeps): Promise<void> {
    const signal = this.#stopping.signal;
    const batchSize = kind.batchSize ?? BATCH_SIZE;
    while (!signal.aborted) {
      let jobs: Array<PgBoss.Job<object>> = [];
      try {
        // pg-boss's fetch answers [] when the database fails: the loop just asks again later.
        jobs = await this.#boss.fetch<object>(kind.name, { batchSize });
        await Promise.all(jobs.map((job) => this.#run(kind, job, deps)));
      } catch (error) {
        this.#log.error({ queue: kind.name, err: error }, 'jobs: worker error');
      }
      if (jobs.length < batchSize) await sleep(POLL_INTERVAL_MS, undefined, { signal }).catch(() => {});
    }
  }

  async #run(kind: JobKind<any>, job: PgBoss.Job<object>, deps: ApiDeps): Promise<void> {
    const context = { queue: kind.name, jobId: job.id };
    let failure: Error | null = null;
    try {
      await kind.handle(job.data, deps);
    } catch (error) {
      failure = error as Error;
      this.#log.warn({ ...context, err: failure }, 'jobs: job failed, to be retried');
    }
    try {
      if (failure) await this.#boss.fail(kind.name, job.id, { message: failure.message });
      else await this.#boss.complete(kind.name, job.id);
    } catch (error) {
      this.#log.warn({ ...context, err: error }, 'jobs: outcome not recorded; the job runs again once it expires');
    }
  }
}
