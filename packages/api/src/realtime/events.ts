/**
 * Per-user event streams: the ordering guarantee behind resumable subscriptions.
 *
 * A sequence-generated id does not commit in id order: two transactions for one recipient
 * may commit the other way round, and a client resuming "after id N" would skip the
 * later-committed, lower id. So each user's stream has its own counter, `users.last_event_seq`,
 * bumped under that user's row lock: a second writer for the same user waits until the first
 * commits, hence per-user `seq` order IS commit order and "seq > lastEventId" never skips.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { announcementOf, carriedEvents } from './carried-events.js';
import { notice, CHANNELS } from './channels.js';
import type { Topics } from './topics.js';

export interface NewUserEvent {
  userId: number;
  /** A registered topic's name (Topic.name). */
  topic: string;
  kind: string;
  payload: Record<string, unknown>;
}

export interface AppendedEvent extends NewUserEvent {
  seq: number;
}

/**
 * Takes the stream-head row locks of these users, in user-id order (the lock appendEvents takes,
 * FOR NO KEY UPDATE as its UPDATE). The one lock order of the product: a transaction that will
 * change existing notification rows takes every stream it will append to first, then rows, so
 * two such transactions never wait on each other in a cycle, and a recipient's own changes and
 * the notifications created for them are serialised (their counts stay exact). Inserting new
 * rows needs no lock first: nobody else can hold them.
 */
export async function lockStreams(trx: Kysely<Database>, userIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(userIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await trx.selectFrom('users').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();
}

/** Users per NOTIFY payload: keeps each payload far below PostgreSQL's 8000-byte limit. */
const HEADS_PER_NOTIFY = 300;

/**
 * Appends events inside the caller's transaction and announces the new stream heads with
 * NOTIFY, which PostgreSQL delivers only after commit. Call it once per transaction with
 * everything it reports: stream heads are locked in user-id order, so concurrent
 * transactions cannot deadlock on them. Given the topics (`carrying`), the announcement carries
 * the events with what each topic loads when they fit (carried-events.ts): no hub reads them.
 */
export async function appendEvents(trx: Kysely<Database>, events: NewUserEvent[], carrying?: Topics): Promise<AppendedEvent[]> {
  if (events.length === 0) return [];
  const perUser = new Map<number, NewUserEvent[]>();
  for (const event of events) perUser.set(event.userId, [...(perUser.get(event.userId) ?? []), event]);
  const userIds = [...perUser.keys()].sort((a, b) => a - b);

  // One statement per user, in id order: each takes that user's row lock until commit.
  const appended: AppendedEvent[] = [];
  const heads: Array<[number, number]> = [];
  for (const userId of userIds) {
    const list = perUser.get(userId)!;
    const { last_event_seq: head } = await trx
      .updateTable('users')
      .set({ last_event_seq: sql<number>`last_event_seq + ${list.length}` })
      .where('id', '=', userId)
      .returning('last_event_seq')
      .executeTakeFirstOrThrow();
    list.forEach((event, index) => appended.push({ ...event, seq: head - list.length + 1 + index }));
    heads.push([userId, head]);
  }
  // The rows and their announcement in one statement: NOTIFY is sent at commit either way.
  const rows = appended.map((e) => ({ user_id: e.userId, seq: e.seq, topic: e.topic, kind: e.kind, payload: JSON.stringify(e.payload) }));
  const carried = carrying && heads.length <= HEADS_PER_NOTIFY ? carriedEvents(trx, carrying, heads, appended.map((e) => e.topic)) : null;
  if (carried) {
    await trx
      .with('stored', (db) => db.insertInto('user_events').values(rows).returningAll())
      .with('carried', (db) => db.selectFrom('stored as e').select(carried.as('text')))
      .selectFrom('carried')
      .select((eb) => notice(CHANNELS.events, announcementOf(eb.ref('carried.text'), heads)).as('announced'))
      .execute();
    return appended;
  }
  const announcements = [];
  for (let i = 0; i < heads.length; i += HEADS_PER_NOTIFY) {
    announcements.push(notice(CHANNELS.events, { h: heads.slice(i, i + HEADS_PER_NOTIFY) }).as(`announced_${i}`));
  }
  await trx
    .with('stored', (db) => db.insertInto('user_events').values(rows))
    .selectNoFrom(announcements)
    .execute();
  return appended;
}
