/** Reads of the per-user event streams that events.ts appends to. */
import { sql } from 'kysely';
import type { DB, UserEvent } from '@pms/db';
import type { EventTopic } from './events.js';

/** One event of a user's stream as stored; `seq` orders it within that user's stream. */
export interface StoredUserEvent {
  userId: number;
  seq: number;
  topic: EventTopic;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

function toStored(row: UserEvent): StoredUserEvent {
  return { userId: row.user_id, seq: row.seq, topic: row.topic, kind: row.kind, payload: row.payload, createdAt: row.created_at };
}

/** The seq of the newest event in a user's stream (0 when it is empty). */
export async function readStreamHead(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('users').select('last_event_seq').where('id', '=', userId).executeTakeFirst();
  return row?.last_event_seq ?? 0;
}

/** Up to `limit` events of one topic of one user's stream after `afterSeq`, oldest first. */
export async function readTopicEvents(
  db: DB,
  query: { userId: number; topic: EventTopic; afterSeq: number; limit: number },
): Promise<StoredUserEvent[]> {
  const rows = await db
    .selectFrom('user_events')
    .selectAll()
    .where('user_id', '=', query.userId)
    .where('topic', '=', query.topic)
    .where('seq', '>', query.afterSeq)
    .orderBy('seq')
    .limit(query.limit)
    .execute();
  return rows.map(toStored);
}

/** A slice of one user's stream: the events in (afterSeq, upToSeq]. */
export interface StreamRange {
  userId: number;
  afterSeq: number;
  upToSeq: number;
}

/**
 * Several users' stream slices, every topic, in one statement: at most `perUser` events
 * of each range, ordered by user then seq.
 */
export async function readRanges(db: DB, ranges: StreamRange[], perUser: number): Promise<StoredUserEvent[]> {
  if (ranges.length === 0) return [];
  const { rows } = await sql<UserEvent>`
    select e.*
    from unnest(
      ${ranges.map((r) => r.userId)}::int[],
      ${ranges.map((r) => r.afterSeq)}::bigint[],
      ${ranges.map((r) => r.upToSeq)}::bigint[]
    ) as r(user_id, after_seq, up_to_seq)
    cross join lateral (
      select * from user_events
      where user_id = r.user_id and seq > r.after_seq and seq <= r.up_to_seq
      order by seq
      limit ${perUser}
    ) as e
    order by e.user_id, e.seq
  `.execute(db);
  return rows.map(toStored);
}
