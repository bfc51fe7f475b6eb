/**
 * The notification topic of a user's event stream: what is stored (small payloads of ids)
 * and what subscribers receive (hydrated messages).
 */
import type { NewUserEvent } from '../realtime/events.js';
import type { StoredUserEvent } from '../realtime/stored-events.js';
import { toView, type NotificationView } from './view.js';

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
 * Turns stored events into messages. A `created` event carries the notification as it was
 * read with the event (see StoredUserEvent.notification: one read for every subscriber); one
 * deleted or expired by then is skipped (null), so replays never show expired rows.
 */
export async function hydrateNotificationEvents(events: StoredUserEvent[]): Promise<Array<NotificationEvent | null>> {
  return events.map((event): NotificationEvent | null => {
    const { payload } = event;
    switch (event.kind) {
      case 'created':
        return event.notification ? { kind: 'created', notification: toView(event.notification) } : null;
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
