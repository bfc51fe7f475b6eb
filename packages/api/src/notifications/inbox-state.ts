/**
 * What a recipient does with their own notifications, by id or in bulk (ids or a filter): seen,
 * read, archived, deleted.
 *
 * Lock order (lockStreams): the caller's stream head first, then notification rows. A bulk
 * change therefore either includes a notification created concurrently or that notification's
 * event comes after it, and it never deadlocks with a decision or a publish.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '@pms/db';
import { IN_INBOX, matchesFilter, UNREAD } from './filters.js';
import { recipientActions, type StateChange } from './events.js';
import { MAX_IDS, type BulkTarget } from './inputs.js';
import { publish } from './publish.js';
import { lockStreams } from '../realtime/events.js';
import { notFound, visibleNotifications } from './view.js';

/** Each state a recipient sets: its column, and the field of the `state` event that announces it. */
const STATES = {
  seen: { column: 'seen_at', field: 'seenAt' },
  read: { column: 'read_at', field: 'readAt' },
  archived: { column: 'archived_at', field: 'archivedAt' },
} as const;
export type RecipientState = keyof typeof STATES;

interface Changed {
  id: number;
  at: Date | null;
}

/** Announces rows that changed (in events of at most MAX_IDS ids), inside the transaction that changed them. */
async function announce(trx: Kysely<Database>, userId: number, changed: Changed[], state: RecipientState, ttlDays: number) {
  if (changed.length === 0) return;
  const ids = changed.map((row) => row.id).sort((a, b) => a - b);
  const change = { [STATES[state].field]: changed[0]!.at } as StateChange; // now(): one value per transaction
  const events = [];
  for (let i = 0; i < ids.length; i += MAX_IDS) events.push(recipientActions.state(userId, ids.slice(i, i + MAX_IDS), change));
  await publish(trx, { events, ttlDays });
}

/**
 * The caller's notifications a bulk change applies to, as a condition, after taking the caller's
 * stream lock (the lock order: stream, then rows). Every id must be the caller's and visible, or
 * nothing is applied (NOT_FOUND naming the first that is not); a filter applies to whatever
 * matches it now, up to `maxId`.
 */
async function lockTarget(trx: Kysely<Database>, userId: number, target: BulkTarget): Promise<RawBuilder<boolean>> {
  await lockStreams(trx, [userId]);
  if (!('ids' in target)) {
    const upTo = target.maxId === undefined ? sql<boolean>`true` : sql<boolean>`id <= ${target.maxId}`;
    return sql<boolean>`(${matchesFilter(target.filter)} and ${upTo} and expires_at > now())`;
  }
  const { ids } = target;
  const found = await visibleNotifications(trx, userId).select('id').where('id', 'in', ids).execute();
  const foundIds = new Set(found.map((row) => row.id));
  const missing = ids.find((id) => !foundIds.has(id));
  if (missing !== undefined) throw notFound(missing);
  return sql<boolean>`id in (${sql.join(ids)})`;
}

/**
 * Sets (`on`) or clears one state of the caller's notifications (ids or a filter, see lockTarget).
 * Only rows whose state changes are updated and announced; returns how many. Setting read also
 * sets seen.
 */
export async function setState(
  trx: Kysely<Database>,
  request: { userId: number; target: BulkTarget; state: RecipientState; on: boolean; ttlDays: number },
): Promise<{ count: number }> {
  const { userId, target, state, on, ttlDays } = request;
  const targeted = await lockTarget(trx, userId, target);
  // Reading implies seeing: those read unseen are seen too, announced first (as if shown, then read).
  const implied = on ? IMPLIES[state] : undefined;
  if (implied) await announce(trx, userId, await update(trx, userId, targeted, implied, true), implied, ttlDays);
  const changed = await update(trx, userId, targeted, state, on);
  await announce(trx, userId, changed, state, ttlDays);
  return { count: changed.length };
}

/** The state that setting another also sets (read: seen; unread leaves seen as it was). */
const IMPLIES: Partial<Record<RecipientState, RecipientState>> = { read: 'seen' };

/** Sets or clears one state of the recipient's targeted rows where it changes; returns the changed rows. */
function update(trx: Kysely<Database>, userId: number, targeted: RawBuilder<boolean>, state: RecipientState, on: boolean): Promise<Changed[]> {
  const { column } = STATES[state];
  return trx
    .updateTable('notifications')
    .set({ [column]: on ? sql<Date>`now()` : null })
    .where('recipient_id', '=', userId)
    .where(targeted)
    .where(column, on ? 'is' : 'is not', null)
    .returning(['id', `${column} as at`])
    .execute();
}

/** Deletes the caller's notifications (ids or a filter, see lockTarget), announced in events of at most MAX_IDS ids. */
export async function deleteNotifications(
  trx: Kysely<Database>,
  request: { userId: number; target: BulkTarget; ttlDays: number },
): Promise<{ count: number }> {
  const { userId, target, ttlDays } = request;
  const targeted = await lockTarget(trx, userId, target);
  const deleted = await trx.deleteFrom('notifications').where('recipient_id', '=', userId).where(targeted).returning('id').execute();
  const ids = deleted.map((row) => row.id).sort((a, b) => a - b);
  const events = [];
  for (let i = 0; i < ids.length; i += MAX_IDS) events.push(recipientActions.deleted(userId, ids.slice(i, i + MAX_IDS)));
  if (events.length) await publish(trx, { events, ttlDays });
  return { count: ids.length };
}

/** Archives every read or resolved notification of the caller's inbox. */
export async function archiveAllRead(trx: Kysely<Database>, userId: number, ttlDays: number): Promise<{ count: number }> {
  await lockStreams(trx, [userId]);
  const changed = await trx
    .updateTable('notifications')
    .set({ archived_at: sql<Date>`now()` })
    .where('recipient_id', '=', userId)
    .where('expires_at', '>', sql<Date>`now()`)
    .where(IN_INBOX)
    .where(sql<boolean>`not ${UNREAD}`)
    .returning(['id', 'archived_at as at'])
    .execute();
  await announce(trx, userId, changed, 'archived', ttlDays);
  return { count: changed.length };
}
