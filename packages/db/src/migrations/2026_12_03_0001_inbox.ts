import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * The inbox: what each recipient did with a notification (seen, read, archived, snoozed), what
 * the system did (resolved the request it carried), and what it offers (actions, a group).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('seen_at', 'timestamptz')
    .addColumn('archived_at', 'timestamptz')
    // Set while snoozed; the wake-up job clears it (and the notification returns as new).
    .addColumn('snoozed_until', 'timestamptz')
    // The decision it asked for was taken (by anyone): { outcome, byId, byName, reason }.
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolution', 'jsonb')
    // The decision it asks for, e.g. 'goal:42:approval': resolved together, never two open per recipient.
    .addColumn('request_key', 'text')
    // Notifications with the same key collapse into one group in the bell and the list.
    .addColumn('group_key', 'text')
    // What the recipient can do from the notification itself: [{ kind, goalId }, ...].
    .addColumn('actions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  await db.schema
    .createIndex('notifications_open_request_idx')
    .on('notifications')
    .columns(['request_key', 'recipient_id'])
    .unique()
    .where(sql<boolean>`request_key is not null and resolved_at is null`)
    .execute();
  // The badge: unseen notifications in the inbox.
  await db.schema
    .createIndex('notifications_unseen_idx')
    .on('notifications')
    .columns(['recipient_id', 'id desc'])
    .where(sql<boolean>`seen_at is null and resolved_at is null and archived_at is null and snoozed_until is null`)
    .execute();
  await db.schema
    .createIndex('notifications_archived_idx')
    .on('notifications')
    .columns(['recipient_id', 'id desc'])
    .where(sql<boolean>`archived_at is not null`)
    .execute();
  await db.schema
    .createIndex('notifications_snoozed_idx')
    .on('notifications')
    .columns(['recipient_id', 'id desc'])
    .where(sql<boolean>`snoozed_until is not null`)
    .execute();
  // Free-text search over title and message (queries must use this same expression).
  await sql`create index notifications_search_idx on notifications using gin (to_tsvector('simple', title || ' ' || message))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['notifications_search_idx', 'notifications_snoozed_idx', 'notifications_archived_idx', 'notifications_unseen_idx', 'notifications_open_request_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema
    .alterTable('notifications')
    .dropColumn('seen_at')
    .dropColumn('archived_at')
    .dropColumn('snoozed_until')
    .dropColumn('resolved_at')
    .dropColumn('resolution')
    .dropColumn('request_key')
    .dropColumn('group_key')
    .dropColumn('actions')
    .execute();
}
