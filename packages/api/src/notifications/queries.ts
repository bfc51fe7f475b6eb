import { sql } from 'kysely';
import { NotificationPriority, NotificationType } from '@pms/shared';
import type { DB } from '@pms/db';
import { readStreamHead } from '../realtime/stored-events.js';
import type { ListInput } from './inputs.js';
import { toView, visibleNotifications } from './view.js';

/**
 * Runs reads in one snapshot and adds `lastEventId`: the stream position they reflect. A client
 * passing it to `onEvent` gets exactly the changes made after them, none twice, none missed.
 */
function atStreamPosition<T>(db: DB, userId: number, read: (trx: DB) => Promise<T>) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const result = await read(trx);
      return { ...result, lastEventId: String(await readStreamHead(trx, userId)) };
    });
}

/** Newest first; pages continue below the last id seen (keyset), so inserts never shift them. */
export function listNotifications(db: DB, recipientId: number, input: ListInput) {
  const { cursor, limit, type, priority, unreadOnly } = input;
  return atStreamPosition(db, recipientId, async (trx) => {
    let query = visibleNotifications(trx, recipientId).selectAll().orderBy('id', 'desc').limit(limit + 1);
    if (cursor !== undefined) query = query.where('id', '<', cursor);
    if (type) query = query.where('type', '=', type);
    if (priority) query = query.where('priority', '=', priority);
    if (unreadOnly) query = query.where('read_at', 'is', null);
    const rows = await query.execute();

    const items = rows.slice(0, limit).map(toView);
    const nextCursor = rows.length > limit ? items.at(-1)!.id : null;
    return { items, nextCursor };
  });
}

interface Counts {
  total: number;
  unread: number;
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, Counts> {
  return Object.fromEntries(keys.map((key) => [key, { total: 0, unread: 0 }])) as Record<K, Counts>;
}

/** Totals and unread counts for the recipient, overall and by type and priority (every key present). */
export function notificationStats(db: DB, recipientId: number) {
  return atStreamPosition(db, recipientId, async (trx) => {
    const groups = await visibleNotifications(trx, recipientId)
      .select(['type', 'priority'])
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        sql<number>`count(*) filter (where read_at is null)`.as('unread'),
      ])
      .groupBy(['type', 'priority'])
      .execute();

    const byType = zeroCounts(NotificationType.options);
    const byPriority = zeroCounts(NotificationPriority.options);
    let totalCount = 0;
    let unreadCount = 0;
    for (const { type, priority, total, unread } of groups) {
      totalCount += total;
      unreadCount += unread;
      for (const counts of [byType[type], byPriority[priority]]) {
        counts.total += total;
        counts.unread += unread;
      }
    }
    return { totalCount, unreadCount, byType, byPriority };
  });
}
