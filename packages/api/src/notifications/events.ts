/**
 * The notification topic of a user's event stream: what is stored (small payloads of ids)
 * and what subscribers receive (hydrated messages).
 */
import type { Resolution } from '@pms/shared';
import type { NewUserEvent } from '../realtime/events.js';
import type { StoredUserEvent } from '../realtime/stored-events.js';
import { toView, type NotificationView } from './view.js';

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
 * Turns stored events into messages. A `created` event carries the notification as it was
 * read with the event (see StoredUserEvent.notification: one read for every subscriber); one
 * deleted or expired by then is skipped (null), so replays never show expired rows.
 */
export async function hydrateNotificationEvents(events: StoredUserEvent[]): Promise<Array<NotificationEvent | null>> {
  return events.map((event): NotificationEvent | null => {
    const { payload } = event;
    switch (event.kind) {
      case 'created':
      case 'upserted':
        return event.notification ? { kind: event.kind, notification: toView(event.notification) } : null;
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
  });
}
