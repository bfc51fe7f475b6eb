/**
 * Folds the deltas the triggers of migration 2026_12_04_0001 append to `notification_counts`
 * into one row per (person, type, priority), so that stats read a few rows per person.
 *
 * Each fold is one statement (delete the key's rows, insert their sum), so a reader sees the
 * counts before or after it, never half. At most one fold runs at a time across instances (a
 * transaction-level advisory lock: two folds deleting the same rows in different orders could
 * deadlock); another instance's tick finds the lock taken and skips. If the database is away, a
 * tick fails, is logged, and the next one folds what is pending: nothing is lost, stats only sum
 * a few more rows meanwhile.
 */
import { sql } from 'kysely';
import type { DB } from '@pms/db';
import type { Logger } from '../ops/logger.js';

/** Keys folded per statement: bounds how long one fold holds its rows. */
const KEYS_PER_FOLD = 5_000;

/** Folds the pending deltas of up to KEYS_PER_FOLD keys; returns how many keys, or null when another fold runs. */
export async function foldCounts(db: DB): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const { rows: lock } = await sql<{ taken: boolean }>`select pg_try_advisory_xact_lock(hashtext('notification_counts fold')) as taken`.execute(trx);
    if (!lock[0]!.taken) return null;
    const { rows } = await sql<{ keys: number }>`
      with keys as (
        select distinct recipient_id, type, priority from notification_counts where pending limit ${KEYS_PER_FOLD}
      ),
      gone as (
        delete from notification_counts c using keys k
        where (c.recipient_id, c.type, c.priority) = (k.recipient_id, k.type, k.priority)
        returning c.*
      ),
      folded as (
        insert into notification_counts (recipient_id, type, priority, total, unread, unseen, archived, snoozed, pending)
        select recipient_id, type, priority, sum(total), sum(unread), sum(unseen), sum(archived), sum(snoozed), false
        from gone
        group by recipient_id, type, priority
        having (sum(total), sum(unread), sum(unseen), sum(archived), sum(snoozed)) <> (0, 0, 0, 0, 0)
      )
      select count(*)::int as keys from keys`.execute(trx);
    return rows[0]!.keys;
  });
}

/** Folds every `intervalMs` (see foldAllCounts), one fold after another. */
export class CountFolding {
  #timer: NodeJS.Timeout | null = null;
  #last: Promise<void> = Promise.resolve();
  #queued = 0;

  constructor(
    private readonly db: DB,
    private readonly log: Logger,
    private readonly intervalMs = 5_000,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#queued === 0) void this.fold();
    }, this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#last;
  }

  /** Folds what is pending now, after any fold in progress; failures are logged, not thrown. */
  fold(): Promise<void> {
    this.#queued++;
    this.#last = this.#last
      .then(() => foldAllCounts(this.db))
      .catch((error: Error) => this.log.warn({ err: error }, 'counts: fold failed; the next tick retries'))
      .finally(() => void this.#queued--);
    return this.#last;
  }
}

/** Folds until nothing is pending, or another fold holds the lock. */
export async function foldAllCounts(db: DB): Promise<void> {
  let keys: number | null;
  do keys = await foldCounts(db);
  while (keys === KEYS_PER_FOLD);
}
