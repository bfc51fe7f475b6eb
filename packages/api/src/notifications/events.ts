/**
 * The notification topic of a user's event stream: what is stored (small payloads of ids)
 * and what subscribers receive (hydrated messages).
 */
import type { DB } from '@pms/db';
import type { NewUserEvent } from '../realtime/events.js';
import type { StoredUserEvent } from '../realtime/stored-events.js';
import { toView, visibleNotifications, type NotificationView } from './view.js';

export type NotificationEvent =
  | { kind: 'created'; notification: NotificationView }
  | { kind: 'read'; ids: number[] }
  | { kind: 'allRead' }
  | { kind: 'deleted'; id: number };

/** Events recording what a recipient did, so their other devices follow (publish them with the change). */
export const recipientActions = {
  read: (userId: number, ids: number[]): NewUserEvent => ({ userId, topic: 'notification', kind: 'read', payload: { ids } }),
  allRead: (userId: number): NewUserEvent => ({ userId, topic: 'notification', kind: 'allRead', payload: {} }),
  deleted: (userId: number, id: number): NewUserEvent => ({ userId, topic: 'notification', kind: 'deleted', payload: { id } }),
};

/**
 * Turns stored events into messages. A `created` event carries the notification as it is now;
 * one deleted or expired since is skipped (null), so replays never show expired rows.
 */
export async function hydrateNotificationEvents(
  db: DB,
  recipientId: number,
  events: StoredUserEvent[],
): Promise<Array<NotificationEvent | null>> {
  const createdIds = events.filter((event) => event.kind === 'created').map((event) => Number(event.payload.id));
  const rows = createdIds.length
    ? await visibleNotifications(db, recipientId).selectAll().where('id', 'in', createdIds).execute()
    : [];
  const byId = new Map(rows.map((row) => [row.id, toView(row)]));

  return events.map((event): NotificationEvent | null => {
    const { payload } = event;
    switch (event.kind) {
      case 'created': {
        const notification = byId.get(Number(payload.id));
        return notification ? { kind: 'created', notification } : null;
      }
      case 'read':
        return { kind: 'read', ids: payload.ids as number[] };
      case 'allRead':
        return { kind: 'allRead' };
      case 'deleted':
        return { kind: 'deleted', id: Number(payload.id) };
      default:
        return null; // a kind this version does not know
    }
  });
}
