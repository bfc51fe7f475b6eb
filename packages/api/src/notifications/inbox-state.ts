/**
 * What a recipient does with their own notifications, by id or in bulk: seen, read, archived.
 *
 * Lock order (lockStreams): the caller's stream head first, then notification rows. A bulk
 * change therefore either includes a notification created concurrently or that notification's
 * event comes after it, and it never deadlocks with a decision or a publish.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { IN_INBOX, UNREAD } from './filters.js';
import { recipientActions, type StateChange } from './events.js';
import { MAX_IDS } from './inputs.js';
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
 * Sets (`on`) or clears one state of the caller's notifications `ids`. Every id must be the
 * caller's and visible, or nothing is applied (NOT_FOUND naming the first that is not). Only rows
 * whose state changes are updated and announced; returns how many. Setting read also sets seen.
 */
export async function setState(
  trx: Kysely<Database>,
  request: { userId: number; ids: number[]; state: RecipientState; on: boolean; ttlDays: number },
): Promise<{ count: number }> {
  const { userId, ids, state, on, ttlDays } = request;
  await lockStreams(trx, [userId]);
  const found = await visibleNotifications(trx, userId).select('id').where('id', 'in', ids).execute();
  const foundIds = new Set(found.map((row) => row.id));
  const missing = ids.find((id) => !foundIds.has(id));
  if (missing !== undefined) throw notFound(missing);

  // Reading implies seeing: those read unseen are seen too, announced first (as if shown, then read).
  const implied = on ? IMPLIES[state] : undefined;
  if (implied) await announce(trx, userId, await update(trx, userId, ids, implied, true), implied, ttlDays);
  const changed = await update(trx, userId, ids, state, on);
  await announce(trx, userId, changed, state, ttlDays);
  return { count: changed.length };
}

/** The state that setting another also sets (read: seen; unread leaves seen as it was). */
const IMPLIES: Partial<Record<RecipientState, RecipientState>> = { read: 'seen' };

/** Sets or clears one state of the recipient's `ids` where it changes; returns the changed rows. */
function update(trx: Kysely<Database>, userId: number, ids: number[], state: RecipientState, on: boolean): Promise<Changed[]> {
  const { column } = STATES[state];
  return trx
    .updateTable('notifications')
    .set({ [column]: on ? sql<Date>`now()` : null })
    .where('id', 'in', ids)
    .where('recipient_id', '=', userId)
    .where(column, on ? 'is' : 'is not', null)
    .returning(['id', `${column} as at`])
    .execute();
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
