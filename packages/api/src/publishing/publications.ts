/**
 * A publication: what another module asked to tell people, stored, then delivered through
 * publish() (the app's own path: same transaction, live push, resume, email per preferences of the
 * type's registered category), now or at its `sendAt` (job.ts).
 *
 * Delivery is claimed by one conditional UPDATE (`delivered_at is null`) in the transaction that
 * stores the notifications: two instances running the same job, or a job re-run after its process
 * died, deliver it once; a crash before commit leaves it undelivered and the job runs again.
 */
import { TRPCError } from '@trpc/server';
import { sql, type Kysely } from 'kysely';
import type { Database, DB } from '@pms/db';
import type { publishInput } from '@pms/shared';
import type { z } from 'zod';
import { transactOnce } from '../idempotency/once.js';
import { publish } from '../notifications/publish.js';
import type { ApiDeps, Caller } from '../trpc.js';
import { publicationJob } from './job.js';
import { registeredCategory } from './types.js';

type PublishRequest = z.output<typeof publishInput>;

export interface Recipient {
  userId: number;
  email: string;
  /** The notification delivered to them; null until delivered (or when skipped). */
  notificationId: number | null;
}

export interface Publication {
  id: number;
  type: string;
  sendAt: Date | null;
  deliveredAt: Date | null;
  recipients: Recipient[];
}

const list = (values: readonly (string | number)[]) => values.join(', ');

/** The people named, by id or email, in the order given (each once); a 400 naming any unknown or deactivated one. */
async function resolveRecipients(trx: Kysely<Database>, named: ReadonlyArray<number | string>) {
  const ids = named.filter((one): one is number => typeof one === 'number');
  const emails = named.filter((one): one is string => typeof one === 'string');
  const people = await trx
    .selectFrom('users')
    .select(['id', 'email', 'active'])
    .where((eb) => eb.or([...(ids.length ? [eb('id', 'in', ids)] : []), ...(emails.length ? [eb('email', 'in', emails)] : [])]))
    .execute();
  const byId = new Map(people.map((person) => [person.id, person]));
  const byEmail = new Map(people.map((person) => [person.email, person]));
  const found = named.map((one) => (typeof one === 'number' ? byId.get(one) : byEmail.get(one)));
  const unknown = named.filter((_, index) => !found[index]);
  if (unknown.length) throw new TRPCError({ code: 'BAD_REQUEST', message: `recipients: no such user: ${list(unknown)}` });
  const inactive = named.filter((_, index) => !found[index]!.active);
  if (inactive.length) throw new TRPCError({ code: 'BAD_REQUEST', message: `recipients: deactivated: ${list(inactive)}` });
  return [...new Map(found.map((person) => [person!.id, { userId: person!.id, email: person!.email }])).values()];
}

/** Who publishes: the caller's key, or the administrator. */
const publisherOf = (caller: Caller) =>
  caller.kind === 'key' ? { api_key_id: caller.key.id, published_by: null } : { api_key_id: null, published_by: caller.session.user.id };

/**
 * Stores a publication and delivers it now or enqueues its delivery, all in one transaction, at
 * most once per idempotency key of the caller. Any 400 rolls everything back, the key's claim too.
 */
export function createPublication(deps: ApiDeps, caller: Caller, input: PublishRequest): Promise<Publication> {
  const call = {
    ...(caller.kind === 'key' ? { apiKeyId: caller.key.id } : { userId: caller.session.user.id }),
    procedure: 'notifications.publish',
    input,
  };
  return transactOnce(deps.db, call, async (trx) => {
    await registeredCategory(trx, input.type);
    const recipients = await resolveRecipients(trx, input.recipients);
    const { id } = await trx
      .insertInto('publications')
      .values({
        ...publisherOf(caller),
        type: input.type,
        content: JSON.stringify({
          priority: input.priority,
          title: input.title,
          message: input.message,
          link: input.link ?? null,
          data: input.data ?? {},
          groupKey: input.groupKey ?? null,
          actions: input.actions ?? [],
        }),
        recipient_ids: recipients.map((recipient) => recipient.userId),
        send_at: input.sendAt ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.sendAt) {
      await deps.jobs.enqueue(trx, publicationJob, { publicationId: id }, { startAfter: input.sendAt });
      return { id, type: input.type, sendAt: input.sendAt, deliveredAt: null, recipients: recipients.map((r) => ({ ...r, notificationId: null })) };
    }
    const delivered = await deliverPublication(trx, deps, id);
    return { id, type: input.type, sendAt: null, deliveredAt: delivered!.deliveredAt, recipients: recipients.map((r) => ({ ...r, notificationId: delivered!.notificationIds.get(r.userId) ?? null })) };
  });
}

/**
 * Delivers a publication not delivered yet, in the caller's transaction: to its recipients still
 * active (one deactivated since it was scheduled is skipped). Null when it was delivered already.
 */
export async function deliverPublication(trx: Kysely<Database>, deps: ApiDeps, id: number) {
  const claimed = await trx
    .updateTable('publications')
    .set({ delivered_at: sql`now()` })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .returning(['type', 'content', 'recipient_ids', 'delivered_at'])
    .executeTakeFirst();
  if (!claimed) return null;
  const active = await trx.selectFrom('users').select('id').where('id', 'in', claimed.recipient_ids).where('active', '=', true).execute();
  const { content } = claimed;
  const stored = await publish(trx, {
    notifications: active.map((person) => ({
      recipientId: person.id,
      type: claimed.type,
      priority: content.priority,
      title: content.title,
      message: content.message,
      link: content.link,
      data: content.data,
      groupKey: content.groupKey,
      actions: content.actions,
      publicationId: id,
    })),
    jobs: deps.jobs,
    ttlDays: deps.config.notificationTtlDays,
  });
  return { deliveredAt: claimed.delivered_at!, notificationIds: new Map(stored.map((n) => [n.recipient_id, n.id])) };
}

export type RecipientState = 'scheduled' | 'unread' | 'read' | 'archived' | 'removed';

/**
 * A publication as its publisher follows it: per recipient, whether it is still to come, unread,
 * read (or its request decided), archived, or removed (deleted by its recipient, expired, or
 * skipped because they were deactivated before a scheduled delivery).
 */
export async function readPublication(db: DB, id: number) {
  const publication = await db
    .selectFrom('publications')
    .select(['id', 'type', 'send_at', 'delivered_at', 'created_at', 'recipient_ids', 'api_key_id', 'published_by'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!publication) throw new TRPCError({ code: 'NOT_FOUND', message: `Publication ${id} does not exist` });
  const [people, notifications] = await Promise.all([
    db.selectFrom('users').select(['id', 'email']).where('id', 'in', publication.recipient_ids).execute(),
    db
      .selectFrom('notifications')
      .select(['id', 'recipient_id', 'read_at', 'resolved_at', 'archived_at'])
      .where('publication_id', '=', id)
      .where('expires_at', '>', sql<Date>`now()`)
      .execute(),
  ]);
  const emails = new Map(people.map((person) => [person.id, person.email]));
  const delivered = new Map(notifications.map((n) => [n.recipient_id, n]));
  return {
    id: publication.id,
    type: publication.type,
    apiKeyId: publication.api_key_id,
    publishedBy: publication.published_by,
    createdAt: publication.created_at,
    sendAt: publication.send_at,
    deliveredAt: publication.delivered_at,
    recipients: publication.recipient_ids.map((userId) => {
      const notification = delivered.get(userId);
      const readAt = notification ? (notification.read_at ?? notification.resolved_at) : null;
      const state: RecipientState = !publication.delivered_at
        ? 'scheduled'
        : !notification
          ? 'removed'
          : notification.archived_at
            ? 'archived'
            : readAt
              ? 'read'
              : 'unread';
      return { userId, email: emails.get(userId) ?? null, notificationId: notification?.id ?? null, state, readAt, archivedAt: notification?.archived_at ?? null };
    }),
  };
}
