import { sql, type Compilable } from 'kysely';
import { NotificationPriority } from '@pms/shared';
import type { DB } from '@pms/db';
import { IN_INBOX, IN_VIEW, matchesFilter, UNREAD, UNSEEN } from './filters.js';
import type { ListInput, NotificationFilter } from './inputs.js';
import { toView, visibleNotifications } from './view.js';

/**
 * Runs `query` and reads the recipient's stream head in one statement, hence one snapshot, and
 * adds `lastEventId`: the stream position the rows reflect. A client passing it to `onEvent` gets
 * exactly the changes made after them, none twice, none missed. One statement rather than a
 * read-only transaction: one round trip instead of four (begin, rows, head, commit).
 */
async function atStreamPosition<Row extends object>(db: DB, userId: number, query: Compilable<Row>, order = sql``) {
  const { rows } = await sql<Row & { found: boolean | null; stream_head: number }>`
    select result.*, u.last_event_seq as stream_head
    from users as u left join (select q.*, true as found from (${query}) as q) as result on true
    where u.id = ${userId}
    ${order}`.execute(db);
  const found = rows.filter((row) => row.found).map(({ found: _, stream_head: __, ...row }) => row as unknown as Row);
  return { rows: found, lastEventId: String(rows[0]?.stream_head ?? 0) };
}

/**
 * Newest first; pages continue below the last id seen (keyset), so inserts never shift them.
 * Filters: the view (inbox by default), type, priority, read or unread, and free text.
 */
export async function listNotifications(db: DB, recipientId: number, input: ListInput) {
  const { cursor, limit } = input;
  const page = visibleNotifications(db, recipientId)
    .selectAll()
    .where(matchesFilter(input))
    .$if(cursor !== undefined, (query) => query.where('id', '<', cursor!))
    .orderBy('id', 'desc')
    .limit(limit + 1);
  const { rows, lastEventId } = await atStreamPosition(db, recipientId, page, sql`order by result.id desc`);
  const items = rows.slice(0, limit).map(toView);
  const nextCursor = rows.length > limit ? items.at(-1)!.id : null;
  return { items, nextCursor, lastEventId };
}

interface Counts {
  total: number;
  unread: number;
  unseen: number;
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, Counts> {
  return Object.fromEntries(keys.map((key) => [key, { total: 0, unread: 0, unseen: 0 }])) as Record<K, Counts>;
}

/**
 * The recipient's counts: over the inbox, in total, unread and unseen (the badge), overall and
 * by type (every registered type) and priority (every key present); and how many are archived and snoozed.
 *
 * Read from notification_counts, which triggers keep exact in every writing transaction
 * (migration 2026_12_04_0001), so the cost does not grow with the inbox. Those counts include
 * expired rows until the retention job deletes them (expiry is the clock, not a write); they are
 * subtracted here, found through an index on (recipient_id, expires_at): few, since the job
 * deletes them every few minutes. The conditions are the ones the migration's
 * notification_count_flags expresses in SQL (see filters.ts).
 */
export async function notificationStats(db: DB, recipientId: number) {
  const stored = db
    .selectFrom('notification_counts')
    .select(['type', 'priority', 'total', 'unread', 'unseen', 'archived', 'snoozed'])
    .where('recipient_id', '=', recipientId);
  const expired = db
    .selectFrom('notifications')
    .select(['type', 'priority'])
    .select([
      sql<number>`-count(*) filter (where ${IN_INBOX})`.as('total'),
      sql<number>`-count(*) filter (where ${IN_INBOX} and ${UNREAD})`.as('unread'),
      sql<number>`-count(*) filter (where ${IN_INBOX} and ${UNSEEN})`.as('unseen'),
      sql<number>`-count(*) filter (where ${IN_VIEW.archived})`.as('archived'),
      sql<number>`-count(*) filter (where ${IN_VIEW.snoozed})`.as('snoozed'),
    ])
    .where('recipient_id', '=', recipientId)
    .where('expires_at', '<=', sql<Date>`now()`)
    .groupBy(['type', 'priority']);
  const perKey = db
    .selectFrom(stored.unionAll(expired).as('parts'))
    .select(['type', 'priority'])
    .select([
      sql<number>`sum(total)::int`.as('total'),
      sql<number>`sum(unread)::int`.as('unread'),
      sql<number>`sum(unseen)::int`.as('unseen'),
      sql<number>`sum(archived)::int`.as('archived'),
      sql<number>`sum(snoozed)::int`.as('snoozed'),
    ])
    .groupBy(['type', 'priority']);
  const [{ rows: groups, lastEventId }, types] = await Promise.all([
    atStreamPosition(db, recipientId, perKey),
    db.selectFrom('notification_types').select('type').execute(),
  ]);

  // Every registered type is present (the registry is the list of keys: a type never goes away).
  const byType = zeroCounts(types.map(({ type }) => type));
  const byPriority = zeroCounts(NotificationPriority.options);
  const sums = { totalCount: 0, unreadCount: 0, unseenCount: 0, archivedCount: 0, snoozedCount: 0 };
  for (const { type, priority, total, unread, unseen, archived, snoozed } of groups) {
    sums.totalCount += total;
    sums.unreadCount += unread;
    sums.unseenCount += unseen;
    sums.archivedCount += archived;
    sums.snoozedCount += snoozed;
    for (const counts of [(byType[type] ??= { total: 0, unread: 0, unseen: 0 }), byPriority[priority]]) {
      counts.total += total;
      counts.unread += unread;
      counts.unseen += unseen;
    }
  }
  return { ...sums, byType, byPriority, lastEventId };
}

/** How many of the recipient's notifications match a filter: what a bulk change by that filter would take. */
export async function countNotifications(db: DB, recipientId: number, filter: NotificationFilter): Promise<{ count: number }> {
  return visibleNotifications(db, recipientId).select(sql<number>`count(*)::int`.as('count')).where(matchesFilter(filter)).executeTakeFirstOrThrow();
}
