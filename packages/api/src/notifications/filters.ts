/**
 * The inbox's rules as SQL conditions on `notifications`, one definition for lists, counts and
 * bulk changes. The view conditions are those of the partial indexes (migration 2026_12_03_0001),
 * and IN_INBOX, UNREAD, UNSEEN and the archived and snoozed views are also written in SQL in
 * notification_count_flags (migration 2026_12_04_0001), which keeps the stored counts: changing one
 * here takes a migration replacing that function and recounting.
 */
import { sql, type RawBuilder } from 'kysely';
import type { NotificationViewName } from '@pms/shared';
import type { NotificationFilter } from './inputs.js';

type Condition = RawBuilder<boolean>;

export const IN_INBOX: Condition = sql`(archived_at is null and snoozed_until is null)`;

/** A resolved notification is neither unread nor unseen: its question was answered. */
export const UNREAD: Condition = sql`(read_at is null and resolved_at is null)`;
export const UNSEEN: Condition = sql`(seen_at is null and resolved_at is null)`;

export const IN_VIEW: Record<NotificationViewName, Condition> = {
  inbox: IN_INBOX,
  archived: sql`archived_at is not null`,
  snoozed: sql`snoozed_until is not null`,
  all: sql`true`,
};

/** The expression of the GIN index notifications_search_idx, exactly, so that the index is used. */
export const NOTIFICATION_TEXT = sql`to_tsvector('simple', title || ' ' || message)`;

/** The notification's text matches a tsquery (the history's web-search one, or the search box's prefixes). */
export const matchesQuery = (query: RawBuilder<unknown>): Condition => sql`${NOTIFICATION_TEXT} @@ ${query}`;

export const matchesText = (q: string): Condition => matchesQuery(sql`websearch_to_tsquery('simple', ${q})`);

/** The filters of `list` and of bulk changes, as one condition (the same text, so the same indexes). */
export function matchesFilter(filter: NotificationFilter & { unreadOnly?: boolean | undefined }): Condition {
  const { view, type, priority, read, unreadOnly, q } = filter;
  const conditions: Condition[] = [IN_VIEW[view]];
  if (type) conditions.push(sql`type = ${type}`);
  if (priority) conditions.push(sql`priority = ${priority}`);
  if (read === 'unread' || unreadOnly) conditions.push(UNREAD);
  if (read === 'read') conditions.push(sql`not ${UNREAD}`);
  if (q !== undefined) conditions.push(matchesText(q));
  return sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}
