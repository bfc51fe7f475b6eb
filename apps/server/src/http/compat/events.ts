/**
 * The original WebSocket protocol's messages: each stream event in the original deployment's
 * words, its notifications in the same shape as the original HTTP paths' (shapes.ts).
 */
import type { NotificationEvent } from '@pms/api';
import { toCompatNotification } from './shapes.js';

/** The message for one stream event (without its `event_id`). */
export function toCompatEvent(event: NotificationEvent, recipientId: number): { type: string } & Record<string, unknown> {
  switch (event.kind) {
    case 'created':
      return { type: 'new_notification', notification: toCompatNotification(recipientId, event.notification) };
    case 'upserted':
      return { type: 'notification_updated', notification: toCompatNotification(recipientId, event.notification) };
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

function stateMessage(ids: number[], change: Extract<NotificationEvent, { kind: 'state' }>['change']): { type: string } & Record<string, unknown> {
  if ('readAt' in change) return { type: change.readAt ? 'notifications_read' : 'notifications_unread', notification_ids: ids };
  if ('seenAt' in change) return { type: 'notifications_seen', notification_ids: ids, seen_at: change.seenAt };
  if ('archivedAt' in change) return { type: 'notifications_archived', notification_ids: ids, archived_at: change.archivedAt };
  return { type: 'notifications_snoozed', notification_ids: ids, snoozed_until: change.snoozedUntil };
}
