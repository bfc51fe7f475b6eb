import type { Kysely } from 'kysely';
import type { Database, Notification } from '@pms/db';
import type { NotificationPriority, NotificationType } from '@pms/shared';
import { appendEvents, type NewUserEvent } from '../realtime/events.js';

export interface NewNotification {
  recipientId: number;
  type: NotificationType;
  priority?: NotificationPriority;
  title: string;
  message: string;
  /** Structured context, e.g. `{ goalId, actorId }`. */
  data?: Record<string, unknown>;
  /** In-app path the notification opens, e.g. `/goals/42`. */
  link?: string | null;
}

export interface PublishOptions {
  notifications?: NewNotification[];
  /** Other stream events committed with the same change (goal changes, read receipts). */
  events?: NewUserEvent[];
  ttlDays: number;
}

/**
 * The one way to tell users something. Runs inside the caller's transaction: the
 * notifications and events commit with the change they report, or not at all, and are
 * pushed to every device of their recipients after commit.
 */
export async function publish(trx: Kysely<Database>, options: PublishOptions): Promise<Notification[]> {
  const { notifications = [], events = [], ttlDays } = options;
  const expiresAt = new Date(Date.now() + ttlDays * 86_400_000);
  const stored = notifications.length
    ? await trx
        .insertInto('notifications')
        .values(
          notifications.map((n) => ({
            recipient_id: n.recipientId,
            type: n.type,
            priority: n.priority ?? 'NORMAL',
            title: n.title,
            message: n.message,
            data: JSON.stringify(n.data ?? {}),
            link: n.link ?? null,
            expires_at: expiresAt,
          })),
        )
        .returningAll()
        .execute()
    : [];
  await appendEvents(trx, [
    ...stored.map((n): NewUserEvent => ({ userId: n.recipient_id, topic: 'notification', kind: 'created', payload: { id: n.id } })),
    ...events,
  ]);
  return stored;
}
