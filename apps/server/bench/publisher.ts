/**
 * Publishes targeted notifications at a fixed rate, each through publish() in its own
 * transaction (as a goal change would), several transactions in flight over a pool.
 * Notification `key` goes into `data.bench` (plus `keyOffset`, so that the notifications of
 * several phases of one run stay apart); the commit time of each key is recorded here, on the
 * same clock the load generators stamp deliveries with, twice: as COMMIT is sent and as its
 * acknowledgement is read. The commit took effect between the two (its NOTIFY went out then), so
 * a delivery's latency lies between the times from each: from the acknowledgement is the lower
 * bound, late by however long the publisher's loop waited to read it; from the sending the upper.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { publish, type JobQueue } from '@pms/api';
import type { Database, DB } from '@pms/db';
import type { ControlledTransaction } from 'kysely';
import { clockNow as now } from './clock.js';

export interface PublishPlan {
  /** Notifications per second. */
  rate: number;
  durationMs: number;
  /** Notifications per transaction (1 = one transaction per notification). */
  batch: number;
  maxInFlight: number;
  /** Recipient of notification `key` is recipients[key % recipients.length]. */
  recipients: number[];
  ttlDays: number;
  /** Enqueue each notification's email job with it, as the server does (default: none, the insert alone). */
  jobs?: JobQueue | null;
  /** `data.bench` of key 0 (default 0); commitAt and startAt stay indexed from 0. */
  keyOffset?: number;
}

export interface PublishResult {
  /** Keys 0..issued-1; commitAt[key] is NaN for keys whose transaction failed. */
  issued: number;
  /** When COMMIT's acknowledgement was read (a publishing phase may move it earlier: publish-phase.ts). */
  commitAt: Float64Array;
  /** When COMMIT was sent. */
  commitSentAt: Float64Array;
  startAt: Float64Array;
  failed: number;
  /** Times a due transaction waited because `maxInFlight` were already running. */
  throttled: number;
  elapsedMs: number;
  firstError?: string;
}

const DRAIN_TIMEOUT_MS = 30_000;

export async function publishAtRate(db: DB, plan: PublishPlan): Promise<PublishResult> {
  const capacity = Math.ceil((plan.rate * plan.durationMs) / 1000) + plan.batch;
  const commitAt = new Float64Array(capacity).fill(Number.NaN);
  const commitSentAt = new Float64Array(capacity).fill(Number.NaN);
  const startAt = new Float64Array(capacity).fill(Number.NaN);
  const result: PublishResult = { issued: 0, commitAt, commitSentAt, startAt, failed: 0, throttled: 0, elapsedMs: 0 };
  let inFlight = 0;
  const keyOffset = plan.keyOffset ?? 0;

  const send = async (firstKey: number, count: number) => {
    inFlight++;
    const keys = Array.from({ length: count }, (_, i) => firstKey + i);
    const started = now();
    for (const key of keys) startAt[key] = started;
    let trx: ControlledTransaction<Database> | null = null;
    try {
      trx = await db.startTransaction().execute();
      await publish(trx, {
        ttlDays: plan.ttlDays,
        jobs: plan.jobs ?? null,
        notifications: keys.map((key) => ({
          recipientId: plan.recipients[key % plan.recipients.length]!,
          type: 'GOAL_PROGRESS_UPDATED',
          title: 'Benchmark notification',
          message: `Benchmark notification ${keyOffset + key}`,
          data: { bench: keyOffset + key },
          link: '/goals',
        })),
      });
      const sent = now();
      const committing = trx.commit().execute();
      trx = null;
      await committing;
      const committed = now();
      for (const key of keys) [commitSentAt[key], commitAt[key]] = [sent, committed];
    } catch (error) {
      await trx?.rollback().execute().catch(() => {});
      result.failed += count;
      result.firstError ??= (error as Error).message;
    } finally {
      inFlight--;
    }
  };

  const began = now();
  for (;;) {
    const elapsed = now() - began;
    if (elapsed >= plan.durationMs) break;
    const due = Math.min(capacity - plan.batch, Math.floor((elapsed * plan.rate) / 1000));
    while (result.issued < due) {
      if (inFlight >= plan.maxInFlight) {
        result.throttled++;
        break;
      }
      void send(result.issued, plan.batch);
      result.issued += plan.batch;
    }
    await sleep(1);
  }
  result.elapsedMs = now() - began;
  const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (inFlight > 0 && Date.now() < drainDeadline) await sleep(5);
  return result;
}
