import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import type { Database, Notification } from '@pms/db';
import type { Expression, Kysely } from 'kysely';
import type { NotificationAction, NotificationPriority, NotificationType, Resolution } from '@pms/shared';

/** A notification as its recipient sees it. */
export interface NotificationView {
  id: number;
  type: NotificationType;
  priority: NotificationPriority;
  title: string;
  message: string;
  data: Record<string, unknown>;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
  /** Shown to its recipient in the open bell or list. */
  seenAt: Date | null;
  archivedAt: Date | null;
  /** While snoozed: when it returns (as new). */
  snoozedUntil: Date | null;
  /** When the request it carried was decided, by whom and how; its actions are then void. */
  resolvedAt: Date | null;
  resolution: Resolution | null;
  /** Notifications sharing a key collapse into one group. */
  groupKey: string | null;
  actions: NotificationAction[];
}

export function toView(row: Notification): NotificationView {
  return {
    id: row.id,
    type: row.type,
    priority: row.priority,
    title: row.title,
    message: row.message,
    data: row.data,
    link: row.link,
    readAt: row.read_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    seenAt: row.seen_at,
    archivedAt: row.archived_at,
    snoozedUntil: row.snoozed_until,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
    groupKey: row.group_key,
    actions: row.resolved_at ? [] : row.actions,
  };
}

/**
 * A recipient's notifications that still exist for them: expired rows are invisible at once,
 * whether or not the retention job has deleted them yet. `recipientId` may be a column (the
 * notification topic reads them with each event of the recipient's stream).
 */
export function visibleNotifications(db: Kysely<Database>, recipientId: number | Expression<number>) {
  return db
    .selectFrom('notifications')
    .where('recipient_id', '=', recipientId)
    .where('expires_at', '>', sql<Date>`now()`);
}

/** Someone else's notification and a missing one look the same. */
export function notFound(id: number): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No notification with id ${id}` });
}
