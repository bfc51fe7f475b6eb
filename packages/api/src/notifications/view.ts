import { sql } from 'kysely';
import type { Database, Notification } from '@pms/db';
import type { Kysely } from 'kysely';
import type { NotificationPriority, NotificationType } from '@pms/shared';

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
  };
}

/**
 * A recipient's notifications that still exist for them: expired rows are invisible at once,
 * whether or not the retention job has deleted them yet.
 */
export function visibleNotifications(db: Kysely<Database>, recipientId: number) {
  return db
    .selectFrom('notifications')
    .where('recipient_id', '=', recipientId)
    .where('expires_at', '>', sql<Date>`now()`);
}
