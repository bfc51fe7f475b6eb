/** The caller's notifications matching the search box, best first: the history's filters and index (notifications/filters.ts). */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '@pms/db';
import type { NotificationPriority, NotificationType } from '@pms/shared';
import { matchesFilter, matchesQuery, NOTIFICATION_TEXT } from '../notifications/filters.js';
import type { ReadFilter } from '../notifications/inputs.js';
import { visibleNotifications } from '../notifications/view.js';
import { headline, toParts, type Highlighted } from './text-query.js';

export interface NotificationSearch {
  query: RawBuilder<unknown>;
  read?: ReadFilter | undefined;
  type?: NotificationType | undefined;
  limit: number;
  offset: number;
}

export interface NotificationHit {
  id: number;
  title: string;
  type: NotificationType;
  priority: NotificationPriority;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
  rank: number;
  highlight: { title: Highlighted[]; snippet: Highlighted[] };
}

/** The page's query (exported for EXPLAIN in the tests): ranked and cut first; only the page's rows get the (costly) headlines. */
export function notificationHits(db: DB, recipientId: number, search: NotificationSearch) {
  const { query, read, type, limit, offset } = search;
  // Every view (archived and snoozed too): a search finds whatever the caller still has.
  const page = visibleNotifications(db, recipientId)
    .select(['id', 'title', 'message', 'type', 'priority', 'link', 'read_at', 'created_at'])
    .select(sql<number>`ts_rank(${NOTIFICATION_TEXT}, ${query})`.as('rank'))
    .where(matchesFilter({ view: 'all', read, type }))
    .where(matchesQuery(query))
    .orderBy('rank', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .offset(offset);
  return db
    .selectFrom(page.as('hit'))
    .selectAll('hit')
    .select([
      headline(sql.ref('hit.title'), query, 'whole').as('titleHeadline'),
      headline(sql.ref('hit.message'), query, 'snippet').as('snippetHeadline'),
    ])
    .orderBy('hit.rank', 'desc')
    .orderBy('hit.id', 'desc');
}

export async function searchNotifications(
  db: DB,
  recipientId: number,
  search: NotificationSearch,
): Promise<{ items: NotificationHit[]; nextCursor: number | null }> {
  const { limit, offset } = search;
  const rows = await notificationHits(db, recipientId, search).execute();
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    title: row.title,
    type: row.type,
    priority: row.priority,
    link: row.link,
    readAt: row.read_at,
    createdAt: row.created_at,
    rank: row.rank,
    highlight: { title: toParts(row.titleHeadline), snippet: toParts(row.snippetHeadline) },
  }));
  return { items, nextCursor: rows.length > limit ? offset + limit : null };
}
