/** Reads of the per-user event streams that events.ts appends to. */
import { sql } from 'kysely';
import type { DB, Notification, UserEvent } from '@pms/db';
import type { EventTopic } from './events.js';

/** One event of a user's stream as stored; `seq` orders it within that user's stream. */
export interface StoredUserEvent {
  userId: number;
  seq: number;
  topic: EventTopic;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  /**
   * For a notification's `created` or `upserted` event: the notification, read with the event, as its
   * recipient may still see it (null once deleted or expired). Null for every other event.
   * Read here so that delivering to many subscribers costs no query per subscriber.
   */
  notification: Notification | null;
}

const TIMESTAMPS = ['read_at', 'created_at', 'expires_at', 'seen_at', 'archived_at', 'snoozed_until', 'resolved_at'] as const;
type TimestampColumn = (typeof TIMESTAMPS)[number];

/** A notifications row through `to_jsonb`: its timestamps come as ISO text. */
type NotificationJson = Omit<Notification, TimestampColumn> & Record<TimestampColumn, string | null>;

function fromJson(json: NotificationJson): Notification {
  const row = { ...json } as Record<string, unknown>;
  for (const column of TIMESTAMPS) row[column] = json[column] === null ? null : new Date(json[column]);
  return row as unknown as Notification;
}

/** A user_events row with the notification its `created` or `upserted` event names (JOIN_VISIBLE_NOTIFICATION). */
type JoinedRow = UserEvent & { notification: NotificationJson | null };

/**
 * Joins `notifications as n` to `user_events as e`: a `created` or `upserted` notification event's row while
 * its recipient may see it (the rule of notifications/view.ts visibleNotifications). The CASE
 * keeps the id cast away from other events' payloads.
 */
const JOIN_VISIBLE_NOTIFICATION = sql`
  left join notifications as n
    on n.id = case when e.topic = 'notification' and e.kind in ('created', 'upserted') then (e.payload->>'id')::int end
    and n.recipient_id = e.user_id
    and n.expires_at > now()
`;

function toStored(row: JoinedRow): StoredUserEvent {
  const { notification: n } = row;
  return {
    userId: row.user_id,
    seq: row.seq,
    topic: row.topic,
    kind: row.kind,
    payload: row.payload,
    createdAt: row.created_at,
    notification: n && fromJson(n),
  };
}

/** The seq of the newest event in a user's stream (0 when it is empty). */
export async function readStreamHead(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('users').select('last_event_seq').where('id', '=', userId).executeTakeFirst();
  return row?.last_event_seq ?? 0;
}

/** The stream heads of these users, by user id (see readStreamHead). */
export async function readStreamHeads(db: DB, userIds: number[]): Promise<Map<number, number>> {
  const rows = await db.selectFrom('users').select(['id', 'last_event_seq']).where('id', 'in', userIds).execute();
  return new Map(rows.map((row) => [row.id, row.last_event_seq]));
}

/** Up to `limit` events of one topic of one user's stream after `afterSeq`, oldest first. */
export async function readTopicEvents(
  db: DB,
  query: { userId: number; topic: EventTopic; afterSeq: number; limit: number },
): Promise<StoredUserEvent[]> {
  const { rows } = await sql<JoinedRow>`
    select e.*, to_jsonb(n) as notification
    from user_events as e
    ${JOIN_VISIBLE_NOTIFICATION}
    where e.user_id = ${query.userId} and e.topic = ${query.topic} and e.seq > ${query.afterSeq}
    order by e.seq
    limit ${query.limit}
  `.execute(db);
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
 * of each range, ordered by user then seq, with their notifications (see StoredUserEvent).
 */
export async function readRanges(db: DB, ranges: StreamRange[], perUser: number): Promise<StoredUserEvent[]> {
  if (ranges.length === 0) return [];
  const { rows } = await sql<JoinedRow>`
    select e.*, to_jsonb(n) as notification
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
    ${JOIN_VISIBLE_NOTIFICATION}
    order by e.user_id, e.seq
  `.execute(db);
  return rows.map(toStored);
}
