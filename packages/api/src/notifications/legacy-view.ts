/**
 * Notifications and their events in the original deployment's words: the snake_case JSON its
 * FastAPI service sent, for the compatibility surface (the original WebSocket protocol).
 */
import type { NotificationEvent, StateChange } from './events.js';
import type { NotificationView } from './view.js';

export function toLegacyNotification(notification: NotificationView, recipientId: number) {
  return {
    id: notification.id,
    user_id: recipientId,
    title: notification.title,
    message: notification.message,
    notification_type: notification.type,
    priority: notification.priority,
    is_read: notification.readAt !== null,
    read_at: notification.readAt,
    created_at: notification.createdAt,
    expires_at: notification.expiresAt,
    data: notification.data,
    link: notification.link,
    group_key: notification.groupKey,
  };
}

export type LegacyNotification = ReturnType<typeof toLegacyNotification>;

/** The message for one stream event (without its `event_id`). */
export function toLegacyEvent(event: NotificationEvent, recipientId: number): { type: string } & Record<string, unknown> {
  switch (event.kind) {
    case 'created':
      return { type: 'new_notification', notification: toLegacyNotification(event.notification, recipientId) };
    case 'upserted':
      return { type: 'notification_updated', notification: toLegacyNotification(event.notification, recipientId) };
    case 'read':
      return { type: 'notifications_read', notification_ids: event.ids };
    case 'allRead':
      return { type: 'all_notifications_read' };
    case 'deleted':
      return { type: 'notifications_deleted', notification_ids: event.ids };
    case 'resolved':
      return {
        type: 'notifications_resolved',
        notification_ids: event.ids,
        resolved_at: event.resolvedAt,
        resolution: { outcome: event.resolution.outcome, by_id: event.resolution.byId, by_name: event.resolution.byName, reason: event.resolution.reason },
      };
    case 'state':
      return stateMessage(event.ids, event.change);
  }
}

function stateMessage(ids: number[], change: StateChange): { type: string } & Record<string, unknown> {
  if ('readAt' in change) return { type: change.readAt ? 'notifications_read' : 'notifications_unread', notification_ids: ids };
  if ('seenAt' in change) return { type: 'notifications_seen', notification_ids: ids, seen_at: change.seenAt };
  if ('archivedAt' in change) return { type: 'notifications_archived', notification_ids: ids, archived_at: change.archivedAt };
  return { type: 'notifications_snoozed', notification_ids: ids, snoozed_until: change.snoozedUntil };
}
