/** Helpers for the inbox suites: what a client keeps of its notifications, folded from events, and a recount in SQL. */
import { sql } from 'kysely';
import type { NotificationEvent } from '@pms/api';
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

/** The same counts straight from the table (written out again, independently of the server's queries). */
export async function recount(db: DB, recipientId: number): Promise<InboxCounts> {
  const { rows } = await sql<InboxCounts>`
    select
      count(*) filter (where archived_at is null and snoozed_until is null)::int as "totalCount",
      count(*) filter (where archived_at is null and snoozed_until is null and read_at is null and resolved_at is null)::int as "unreadCount",
      count(*) filter (where archived_at is null and snoozed_until is null and seen_at is null and resolved_at is null)::int as "unseenCount",
      count(*) filter (where archived_at is not null)::int as "archivedCount",
      count(*) filter (where snoozed_until is not null)::int as "snoozedCount"
    from notifications where recipient_id = ${recipientId} and expires_at > now()`.execute(db);
  return rows[0]!;
}

/** The stats fields that `recount` and `countsOf` give. */
export function countsIn(stats: InboxCounts): InboxCounts {
  const { totalCount, unreadCount, unseenCount, archivedCount, snoozedCount } = stats;
  return { totalCount, unreadCount, unseenCount, archivedCount, snoozedCount };
}
