/** Helpers for the inbox suites: what a client keeps of its notifications, folded from events, and a recount in SQL. */
import { sql } from 'kysely';
import type { NotificationEvent, RouterOutputs } from '@pms/api';
import { BuiltInNotificationType, NotificationPriority, type NotificationType } from '@pms/shared';
import type { DB } from '@pms/db';
import type { Received } from './notifications.js';

type Item = Extract<NotificationEvent, { kind: 'created' }>['notification'];

/** A device's copy of its notifications after these events (each event sets values, so the fold is exact in order). */
export function foldEvents(events: Received[], start = new Map<number, Item>()): Map<number, Item> {
  const items = new Map(start);
  const update = (ids: number[], change: Partial<Item>) => {
    for (const id of ids) if (items.has(id)) items.set(id, { ...items.get(id)!, ...change });
  };
  for (const { data: event } of events) {
    switch (event.kind) {
      case 'created':
      case 'upserted':
        items.set(event.notification.id, event.notification);
        break;
      case 'state':
        update(event.ids, event.change);
        break;
      case 'read':
        update(event.ids.filter((id) => !items.get(id)?.readAt), { readAt: new Date() });
        break;
      case 'allRead':
        update([...items.values()].filter((item) => !item.readAt).map((item) => item.id), { readAt: new Date() });
        break;
      case 'resolved':
        update(event.ids, { resolvedAt: event.resolvedAt, resolution: event.resolution });
        break;
      case 'deleted':
        for (const id of event.ids) items.delete(id);
        break;
    }
  }
  return items;
}

export interface InboxCounts {
  totalCount: number;
  unreadCount: number;
  unseenCount: number;
  archivedCount: number;
  snoozedCount: number;
}

/** The counts a client shows, from its own copy. */
export function countsOf(items: Iterable<Item>): InboxCounts {
  const counts = { totalCount: 0, unreadCount: 0, unseenCount: 0, archivedCount: 0, snoozedCount: 0 };
  for (const item of items) {
    if (item.archivedAt) counts.archivedCount++;
    if (item.snoozedUntil) counts.snoozedCount++;
    if (item.archivedAt || item.snoozedUntil) continue;
    counts.totalCount++;
    if (!item.readAt && !item.resolvedAt) counts.unreadCount++;
    if (!item.seenAt && !item.resolvedAt) counts.unseenCount++;
  }
  return counts;
}

type Stats = Omit<RouterOutputs['notifications']['stats'], 'lastEventId'>;

/**
 * `notifications.stats` recounted straight from the table: every visible row scanned, as the
 * server did before it kept counts (the conditions written out again, independently of its queries).
 */
export async function recountStats(db: DB, recipientId: number): Promise<Stats> {
  const { rows } = await sql<{ type: NotificationType; priority: NotificationPriority } & Record<'total' | 'unread' | 'unseen' | 'archived' | 'snoozed', number>>`
    select type, priority,
      count(*) filter (where archived_at is null and snoozed_until is null)::int as total,
      count(*) filter (where archived_at is null and snoozed_until is null and read_at is null and resolved_at is null)::int as unread,
      count(*) filter (where archived_at is null and snoozed_until is null and seen_at is null and resolved_at is null)::int as unseen,
      count(*) filter (where archived_at is not null)::int as archived,
      count(*) filter (where snoozed_until is not null)::int as snoozed
    from notifications where recipient_id = ${recipientId} and expires_at > now()
    group by type, priority`.execute(db);
  const zero = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, { total: 0, unread: 0, unseen: 0 }])) as Record<K, { total: number; unread: number; unseen: number }>;
  const stats: Stats = {
    totalCount: 0,
    unreadCount: 0,
    unseenCount: 0,
    archivedCount: 0,
    snoozedCount: 0,
    byType: zero(BuiltInNotificationType.options),
    byPriority: zero(NotificationPriority.options),
  };
  for (const { type, priority, total, unread, unseen, archived, snoozed } of rows) {
    stats.totalCount += total;
    stats.unreadCount += unread;
    stats.unseenCount += unseen;
    stats.archivedCount += archived;
    stats.snoozedCount += snoozed;
    for (const counts of [(stats.byType[type] ??= { total: 0, unread: 0, unseen: 0 }), stats.byPriority[priority]]) {
      counts.total += total;
      counts.unread += unread;
      counts.unseen += unseen;
    }
  }
  return stats;
}

/** The inbox counts alone, recounted the same way. */
export async function recount(db: DB, recipientId: number): Promise<InboxCounts> {
  return countsIn(await recountStats(db, recipientId));
}

/** The stats fields that `recount` and `countsOf` give. */
export function countsIn(stats: InboxCounts): InboxCounts {
  const { totalCount, unreadCount, unseenCount, archivedCount, snoozedCount } = stats;
  return { totalCount, unreadCount, unseenCount, archivedCount, snoozedCount };
}
