/**
 * The notification topic of a user's event stream: what is stored (small payloads of ids)
 * and what subscribers receive (hydrated messages).
 */
import { sql } from 'kysely';
import type { Notification } from '@pms/db';
import type { Resolution } from '@pms/shared';
import type { NewUserEvent } from '../realtime/events.js';
import { defineTopic } from '../realtime/topics.js';
import { toView, visibleNotifications, type NotificationView } from './view.js';

/** One change of a recipient's own state of some notifications (null: undone). */
export type StateChange = { seenAt: Date } | { readAt: Date | null } | { archivedAt: Date | null } | { snoozedUntil: Date | null };

export type NotificationEvent =
  | { kind: 'created'; notification: NotificationView }
  /** Replaces the device's copy, or adds it: a snoozed notification returned, a request updated. */
  | { kind: 'upserted'; notification: NotificationView }
  | { kind: 'read'; ids: number[] }
  | { kind: 'allRead' }
  | { kind: 'state'; ids: number[]; change: StateChange }
  | { kind: 'resolved'; ids: number[]; resolvedAt: Date; resolution: Resolution }
  | { kind: 'deleted'; ids: number[] };

const TIMESTAMPS = ['read_at', 'created_at', 'expires_at', 'seen_at', 'archived_at', 'snoozed_until', 'resolved_at'] as const;
type TimestampColumn = (typeof TIMESTAMPS)[number];

/** A notifications row through `to_jsonb`: its timestamps come as ISO text. */
type NotificationJson = Omit<Notification, TimestampColumn> & Record<TimestampColumn, string | null>;

/** The row back from JSON; the parsed JSON is fresh, so its dates are revived in place. */
function fromJson(json: NotificationJson): Notification {
  const row = json as unknown as Record<TimestampColumn, Date | string | null>;
  for (const column of TIMESTAMPS) row[column] = json[column] === null ? null : new Date(json[column]);
  return row as unknown as Notification;
}

/** Payload dates are stored as ISO text. */
const STATE_FIELDS = ['seenAt', 'readAt', 'archivedAt', 'snoozedUntil'] as const;

/** Events recording what a recipient did, so their other devices follow (publish them with the change). */
export const recipientActions = {
  read: (userId: number, ids: number[]): NewUserEvent => ({ userId, topic: 'notification', kind: 'read', payload: { ids } }),
  allRead: (userId: number): NewUserEvent => ({ userId, topic: 'notification', kind: 'allRead', payload: {} }),
  state: (userId: number, ids: number[], change: StateChange): NewUserEvent => ({
    userId,
    topic: 'notification',
    kind: 'state',
    payload: { ids, change },
  }),
  deleted: (userId: number, ids: number[]): NewUserEvent => ({ userId, topic: 'notification', kind: 'deleted', payload: { ids } }),
};

/** Events the system records on a recipient's stream. */
export const systemActions = {
  /** The notification as it is at delivery replaces the device's copy (snooze ended, request updated). */
  upserted: (userId: number, id: number): NewUserEvent => ({ userId, topic: 'notification', kind: 'upserted', payload: { id } }),
  resolved: (userId: number, ids: number[], resolvedAt: Date, resolution: Resolution): NewUserEvent => ({
    userId,
    topic: 'notification',
    kind: 'resolved',
    payload: { ids, resolvedAt: resolvedAt.toISOString(), resolution },
  }),
};

function hydrateState(payload: Record<string, unknown>): NotificationEvent | null {
  const change = payload.change as Record<string, string | null>;
  const field = STATE_FIELDS.find((name) => name in change);
  if (!field) return null;
  const value = change[field] === null ? null : new Date(change[field]!);
  return { kind: 'state', ids: payload.ids as number[], change: { [field]: value } as StateChange };
}

/**
 * The notification topic. A `created` or `upserted` event names a notification: it is read with the
 * event, as its recipient may see it (visibleNotifications: theirs, not expired), once for all of
 * that recipient's subscribers; one deleted or expired by then is skipped, so replays never show
 * expired rows.
 */
export const notificationTopic = defineTopic<NotificationEvent, NotificationView>({
  name: 'notification',
  load: {
    // The CASE keeps the id cast away from other kinds' payloads.
    select: (event, db) => sql`case when ${event.kind} in ('created', 'upserted') then (
      select to_jsonb(n) from (${visibleNotifications(db, event.userId).selectAll().where('id', '=', sql<number>`(${event.payload}->>'id')::int`)}) as n
    ) end`,
    parse: (json) => toView(fromJson(json as NotificationJson)),
  },
  message(event): NotificationEvent | null {
    const { payload } = event;
    switch (event.kind) {
      case 'created':
      case 'upserted':
        return event.loaded ? { kind: event.kind, notification: event.loaded } : null;
      case 'read':
        return { kind: 'read', ids: payload.ids as number[] };
      case 'allRead':
        return { kind: 'allRead' };
      case 'state':
        return hydrateState(payload);
      case 'resolved':
        return {
          kind: 'resolved',
          ids: payload.ids as number[],
          resolvedAt: new Date(payload.resolvedAt as string),
          resolution: payload.resolution as Resolution,
        };
      case 'deleted':
        // Stored before bulk deletion as `{ id }`.
        return { kind: 'deleted', ids: 'ids' in payload ? (payload.ids as number[]) : [Number(payload.id)] };
      default:
        return null; // a kind this version does not know
    }
  },
});
