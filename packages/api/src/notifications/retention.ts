/**
 * Deletes what is past keeping: expired notifications, read ones older than the read TTL,
 * stream events older than the notification TTL (nothing a client may still resume into),
 * sessions that ended (expired or revoked) more than a grace period ago, idempotency keys
 * past answering retries, and stream tickets (auth/stream-tickets.ts) past the same grace.
 * In small batches with pauses between them, so no statement holds many row locks for long;
 * rows locked by someone else (another instance sweeping too) are skipped, never waited for.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { DB } from '@pms/db';
import { idempotencyKeyExpiry } from '../idempotency/once.js';
import type { Logger } from '../ops/logger.js';

export interface RetentionOptions {
  readTtlDays: number;
  eventTtlDays: number;
  batchSize?: number;
  pauseMs?: number;
  intervalMs?: number;
  log: Logger;
  endedSessionGraceMinutes?: number;
}

// The grace keeps a just-ended session's row for whoever investigates it; a missing row reads as
// ended anyway, so deleting it never revives or breaks a session.
const DEFAULTS = { batchSize: 1000, pauseMs: 50, intervalMs: 10 * 60_000, endedSessionGraceMinutes: 60 };

const daysAgo = (days: number) => sql<Date>`now() - make_interval(days => ${days})`;
const minutesAgo = (minutes: number) => sql<Date>`now() - make_interval(mins => ${minutes})`;

/** What each rule deletes, one batch per call; returns the rows deleted. */
const RULES = {
  expiredNotifications: (db: DB, limit: number) =>
    db
      .deleteFrom('notifications')
      .where('id', 'in', (eb) =>
        eb.selectFrom('notifications').select('id').where('expires_at', '<=', sql<Date>`now()`).limit(limit).forUpdate().skipLocked(),
      )
      .executeTakeFirst(),

  readNotifications: (db: DB, limit: number, options: Required<RetentionOptions>) =>
    db
      .deleteFrom('notifications')
      .where('id', 'in', (eb) =>
        eb.selectFrom('notifications').select('id').where('read_at', '<=', daysAgo(options.readTtlDays)).limit(limit).forUpdate().skipLocked(),
      )
      .executeTakeFirst(),

  oldEvents: (db: DB, limit: number, options: Required<RetentionOptions>) =>
    db
      .deleteFrom('user_events')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('user_id', 'seq'),
          'in',
          selectFrom('user_events')
            .select(['user_id', 'seq'])
            .where('created_at', '<=', daysAgo(options.eventTtlDays))
            .limit(limit)
            .forUpdate()
            .skipLocked()
            .$asTuple('user_id', 'seq'),
        ),
      )
      .executeTakeFirst(),

  endedSessions: (db: DB, limit: number, options: Required<RetentionOptions>) => {
    const ended = minutesAgo(options.endedSessionGraceMinutes);
    return db
      .deleteFrom('sessions')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('sessions')
          .select('id')
          .where((session) => session.or([session('expires_at', '<=', ended), session('revoked_at', '<=', ended)]))
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
  },
  expiredIdempotencyKeys: (db: DB, limit: number) =>
    db
      .deleteFrom('idempotency_keys')
      // By row address: a key's caller is a user or an API key (one of the two columns is null).
      .where(({ eb, selectFrom }) =>
        eb(
          sql`ctid`,
          'in',
          selectFrom('idempotency_keys')
            .select(sql`ctid`.as('ctid'))
            .where('created_at', '<=', idempotencyKeyExpiry())
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        ),
      )
      .executeTakeFirst(),

  // Used or not, a ticket is worthless 30 s after it was issued; its row is kept a while for whoever investigates a connection.
  endedStreamTickets: (db: DB, limit: number, options: Required<RetentionOptions>) =>
    db
      .deleteFrom('stream_tickets')
      .where('hash', 'in', (eb) =>
        eb
          .selectFrom('stream_tickets')
          .select('hash')
          .where('expires_at', '<=', minutesAgo(options.endedSessionGraceMinutes))
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst(),
} satisfies Record<string, (db: DB, limit: number, options: Required<RetentionOptions>) => Promise<{ numDeletedRows: bigint }>>;

export type RetentionRule = keyof typeof RULES;
export type SweepReport = Record<RetentionRule, { deleted: number; batches: number }>;

export class RetentionJob {
  readonly #options: Required<RetentionOptions>;
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<SweepReport> | null = null;
  #stopping = false;

  constructor(
    private readonly db: DB,
    options: RetentionOptions,
  ) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Sweeps every `intervalMs`, the first time one interval after starting. */
  start(): void {
    this.#timer = setInterval(() => {
      if (this.#sweeping) return;
      this.sweep().then(
        (report) => this.#options.log.info({ report }, 'retention: sweep done'),
        (error: Error) => this.#options.log.error({ err: error }, 'retention: sweep failed'),
      );
    }, this.#options.intervalMs).unref();
  }

  /** Waits for a sweep in progress to stop at its next batch boundary. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#sweeping?.catch(() => {});
  }

  /** Runs every rule to completion now (joining a sweep already running). */
  sweep(): Promise<SweepReport> {
    this.#sweeping ??= this.#sweepAll().finally(() => (this.#sweeping = null));
    return this.#sweeping;
  }

  async #sweepAll(): Promise<SweepReport> {
    const report = {} as SweepReport;
    for (const [rule, deleteBatch] of Object.entries(RULES) as Array<[RetentionRule, (typeof RULES)[RetentionRule]]>) {
      const tally = { deleted: 0, batches: 0 };
      report[rule] = tally;
      while (!this.#stopping) {
        const { numDeletedRows } = await deleteBatch(this.db, this.#options.batchSize, this.#options);
        tally.batches++;
        tally.deleted += Number(numDeletedRows);
        if (numDeletedRows < BigInt(this.#options.batchSize)) break;
        await sleep(this.#options.pauseMs);
      }
    }
    return report;
  }
}
