import { sql, type Kysely } from 'kysely';
import type { Database, Notification } from '@pms/db';
import type { NotificationAction, NotificationPriority, NotificationType } from '@pms/shared';
import { scheduleEmails } from '../channels/email/schedule.js';
import type { JobQueue } from '../jobs/queue.js';
import { showsInApp, typePreferencesOf } from '../preferences/effective.js';
import { appendEvents, lockStreams, type NewUserEvent } from '../realtime/events.js';
import { unregistered } from '../publishing/types.js';
import { TOPICS_BY_NAME } from '../topics.js';
import { systemActions } from './events.js';

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
  /**
   * The decision it asks for, e.g. `goal:42:approval`. While that request is open for the
   * recipient, announcing it again updates their notification instead of adding a second one.
   */
  requestKey?: string | null;
  /** Notifications sharing a key collapse into one group. */
  groupKey?: string | null;
  /** What the recipient can do from the notification itself. */
  actions?: NotificationAction[];
  /** The publication it delivers, when another module published it (publishing/). */
  publicationId?: number;
}

export type PublishOptions = {
  /** Other stream events committed with the same change (goal changes, read receipts). */
  events?: NewUserEvent[];
  ttlDays: number;
} & (
  | { notifications?: undefined }
  | {
      notifications: NewNotification[];
      /** Enqueues what each notification needs outside the app (its email); null only where a benchmark measures the insert alone. */
      jobs: JobQueue | null;
    }
);

/**
 * The one way to tell users something. Runs inside the caller's transaction: the
 * notifications and events commit with the change they report, or not at all, and are
 * pushed to every device of their recipients after commit (in the announcement itself when they
 * fit, with what their topics load: no instance reads them again).
 *
 * A notification of a request already open for its recipient (notifications_open_request_idx)
 * updates that row and returns it as new (unseen, unread, back in the inbox, created now),
 * announced as `upserted`, so a request is never shown twice. A snoozed one stays snoozed.
 */
export async function publish(trx: Kysely<Database>, options: PublishOptions): Promise<Notification[]> {
  const { notifications = [], events = [], ttlDays } = options;
  // Which preference applies is the registry's word: the one of the category of each type.
  const typePreferences = await typePreferencesOf(trx, notifications.map((n) => n.recipientId), notifications.map((n) => n.type));
  const applying = (recipientId: number, type: string) => typePreferences(recipientId, type) ?? raise(unregistered(type));
  // Updating an open request writes an existing row: take every stream this publish appends to
  // first (the lock order of lockStreams). New rows conflict with nobody, and appendEvents locks
  // the streams anyway, so ordinary notifications skip the extra statement.
  if (notifications.some((n) => n.requestKey)) {
    await lockStreams(trx, [...notifications.map((n) => n.recipientId), ...events.map((e) => e.userId)]);
  }
  const expiresAt = new Date(Date.now() + ttlDays * 86_400_000);
  const stored = notifications.length
    ? await trx
        .insertInto('notifications')
        .values(
          notifications.map((n) => ({
            // Its category switched off in the app: kept (for email and history), but straight to the archive.
            ...(!showsInApp(n.type, applying(n.recipientId, n.type)) && { seen_at: sql`now()`, read_at: sql`now()`, archived_at: sql`now()` }),
            recipient_id: n.recipientId,
            type: n.type,
            priority: n.priority ?? 'NORMAL',
            title: n.title,
            message: n.message,
            data: JSON.stringify(n.data ?? {}),
            link: n.link ?? null,
            expires_at: expiresAt,
            request_key: n.requestKey ?? null,
            group_key: n.groupKey ?? null,
            actions: JSON.stringify(n.actions ?? []),
            publication_id: n.publicationId ?? null,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['request_key', 'recipient_id'])
            .where(sql<boolean>`request_key is not null and resolved_at is null`)
            .doUpdateSet((eb) => ({
              type: eb.ref('excluded.type'),
              priority: eb.ref('excluded.priority'),
              title: eb.ref('excluded.title'),
              message: eb.ref('excluded.message'),
              data: eb.ref('excluded.data'),
              link: eb.ref('excluded.link'),
              group_key: eb.ref('excluded.group_key'),
              actions: eb.ref('excluded.actions'),
              expires_at: eb.ref('excluded.expires_at'),
              created_at: sql`now()`,
              seen_at: null,
              read_at: null,
              archived_at: null,
            })),
        )
        .returningAll()
        // A freshly inserted row has no deleting transaction id; an updated one has ours.
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .execute()
    : [];
  if (options.notifications && options.jobs) {
    await scheduleEmails(trx, options.jobs, stored, (notification) => applying(notification.recipient_id, notification.type));
  }
  await appendEvents(trx, [
    ...stored.map(({ id, recipient_id: recipientId, inserted }): NewUserEvent =>
      inserted ? { userId: recipientId, topic: 'notification', kind: 'created', payload: { id } } : systemActions.upserted(recipientId, id),
    ),
    ...events,
  ], TOPICS_BY_NAME);
  return stored.map(({ inserted: _, ...notification }) => notification);
}

function raise(error: Error): never {
  throw error;
}
