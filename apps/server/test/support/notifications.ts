/** Helpers for the notifications suites: creating notifications, and following them live. */
import { publish, type JobQueue, type NewNotification, type NotificationEvent } from '@pms/api';
import type { DB } from '@pms/db';
import { EventLog, type Tracked } from './event-log.js';
import type { Client } from './server.js';

const TTL_DAYS = 30;

export async function userIdOf(db: DB, email: string): Promise<number> {
  const row = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return row.id;
}

/** A notification for `recipientId`, numbered so tests can tell them apart. */
export function sample(recipientId: number, n: number, extra: Partial<NewNotification> = {}): NewNotification {
  return { recipientId, type: 'GOAL_SUBMITTED', title: `Notification ${n}`, message: `Message ${n}`, data: { n }, ...extra };
}

/**
 * Commits notifications the way producers do: publish() inside a transaction. Returns their ids.
 * With the app's job queue (`server.app.deps.jobs`) their emails are scheduled too.
 */
export async function notify(db: DB, notifications: NewNotification[], jobs: JobQueue | null = null): Promise<number[]> {
  const stored = await db.transaction().execute((trx) => publish(trx, { notifications, ttlDays: TTL_DAYS, jobs }));
  return stored.map((n) => n.id);
}

export type Received = Tracked<NotificationEvent>;
export type NotificationLog = EventLog<NotificationEvent>;

/**
 * Follows the caller's notifications from now, as a client should: `stats` gives the stream
 * position its counts reflect, and the subscription continues exactly from there. (Opened
 * without a `lastEventId`, the server positions a subscription at "now" shortly after it
 * starts, which can miss something committed right away.)
 */
export async function followNotifications(client: Client): Promise<NotificationLog> {
  const { lastEventId } = await client.notifications.stats.query();
  return EventLog.open(client.notifications.onEvent, lastEventId);
}

/** The `n` of created-notification events (see `sample`), for comparing sequences. */
export function numbers(events: Received[]): unknown[] {
  return events.map((event) => (event.data.kind === 'created' ? event.data.notification.data.n : event.data.kind));
}
