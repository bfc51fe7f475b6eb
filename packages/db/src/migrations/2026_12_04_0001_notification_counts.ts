import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Each recipient's counts, kept by PostgreSQL itself: triggers on `notifications` record every
 * INSERT, UPDATE and DELETE in `notification_counts` in the same transaction, so
 * `notifications.stats` reads a few rows per person however many notifications they hold, and
 * every path that writes notifications (publish, states, resolution, snooze, retention, ...)
 * keeps them exact without knowing about them.
 *
 * A person's counts for one (type, priority) are the SUM of their rows here. A change only
 * inserts its deltas (`pending`): no unique key, no update, so the triggers never wait for a lock,
 * add none to the product's lock order (realtime/events.ts) and cannot deadlock, whatever order
 * transactions touch people in; and a publish pays one small insert (folding in the trigger, tried
 * first, cost 40% of publish throughput: BENCHMARKS.md). A background fold
 * (notifications/counts.ts) sums each key's rows into one every few seconds.
 *
 * Expiry is not a write, so these counts include expired rows until the retention job deletes
 * them; stats subtract those, found through notifications_recipient_expires_idx (see
 * notifications/queries.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Writers wait until the backfill below has committed with the triggers; readers carry on.
  await sql`lock table notifications in share row exclusive mode`.execute(db);

  await db.schema
    .createTable('notification_counts')
    .addColumn('recipient_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    // In the inbox (neither archived nor snoozed): all, unread, unseen.
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('unread', 'integer', (c) => c.notNull())
    .addColumn('unseen', 'integer', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('snoozed', 'integer', (c) => c.notNull())
    // A delta not folded yet (see notifications/counts.ts).
    .addColumn('pending', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await db.schema.createIndex('notification_counts_key_idx').on('notification_counts').columns(['recipient_id', 'type', 'priority']).execute();
  await db.schema
    .createIndex('notification_counts_pending_idx')
    .on('notification_counts')
    .columns(['recipient_id', 'type', 'priority'])
    .where(sql.ref('pending'), '=', true)
    .execute();
  // Expired rows not deleted yet, per person: what stats subtract.
  await db.schema.createIndex('notifications_recipient_expires_idx').on('notifications').columns(['recipient_id', 'expires_at']).execute();
  // A page filtered by type (and priority) or by priority, newest first: for a person with 100,000
  // notifications, a page of 20 unread + type + priority filtered 33,000 rows newest first (60 ms
  // in EXPLAIN ANALYZE); through (recipient_id, type, id desc) ~300 (12 ms, a heap fetch each);
  // with priority in the key, ~60.
  await db.schema
    .createIndex('notifications_recipient_type_idx')
    .on('notifications')
    .columns(['recipient_id', 'type', 'priority', 'id desc'])
    .execute();
  await db.schema.createIndex('notifications_recipient_priority_idx').on('notifications').columns(['recipient_id', 'priority', 'id desc']).execute();

  // What one notification counts as: [in the inbox, unread, unseen, archived, snoozed], each 0 or 1.
  // The same conditions as IN_INBOX, UNREAD, UNSEEN and IN_VIEW in packages/api/src/notifications/filters.ts:
  // a change there needs a new migration replacing this function and recounting. Scalar
  // arguments and one expression, so PostgreSQL inlines it (no call per row).
  await sql`
    create function notification_count_flags(
      archived_at timestamptz, snoozed_until timestamptz, read_at timestamptz, seen_at timestamptz, resolved_at timestamptz
    ) returns integer[] language sql immutable as $$
      select array[
        (archived_at is null and snoozed_until is null)::int,
        (archived_at is null and snoozed_until is null and read_at is null and resolved_at is null)::int,
        (archived_at is null and snoozed_until is null and seen_at is null and resolved_at is null)::int,
        (archived_at is not null)::int,
        (snoozed_until is not null)::int
      ]
    $$`.execute(db);

  // The statement's rows, +1 for each row it added (inserted, or an update's new version) and -1
  // for each it took away (deleted, or an update's old version), summed per key.
  const insertPerKey = (rows: string) => sql.raw(`
    insert into notification_counts (recipient_id, type, priority, total, unread, unseen, archived, snoozed)
    select recipient_id, type, priority, sum(sign * f[1]), sum(sign * f[2]), sum(sign * f[3]), sum(sign * f[4]), sum(sign * f[5])
    from (
      select recipient_id, type, priority, sign, notification_count_flags(archived_at, snoozed_until, read_at, seen_at, resolved_at) as f
      from (${rows}) as changed
    ) as flagged
    group by recipient_id, type, priority
    having (sum(sign * f[1]), sum(sign * f[2]), sum(sign * f[3]), sum(sign * f[4]), sum(sign * f[5])) <> (0, 0, 0, 0, 0)`);
  await sql`
    create function notification_counts_track() returns trigger
    language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${insertPerKey('select *, 1 as sign from new_rows')};
      elsif tg_op = 'UPDATE' then
        ${insertPerKey('select *, 1 as sign from new_rows union all select *, -1 from old_rows')};
      elsif tg_op = 'DELETE' then
        ${insertPerKey('select *, -1 as sign from old_rows')};
      else
        delete from notification_counts; -- TRUNCATE
      end if;
      return null;
    end $$`.execute(db);

  // Transition tables allow one event per trigger. An INSERT ... ON CONFLICT DO UPDATE fires the
  // insert trigger with the rows it inserted and the update trigger with those it updated.
  await sql`create trigger notification_counts_insert after insert on notifications
    referencing new table as new_rows for each statement execute function notification_counts_track()`.execute(db);
  await sql`create trigger notification_counts_update after update on notifications
    referencing old table as old_rows new table as new_rows for each statement execute function notification_counts_track()`.execute(db);
  await sql`create trigger notification_counts_delete after delete on notifications
    referencing old table as old_rows for each statement execute function notification_counts_track()`.execute(db);
  await sql`create trigger notification_counts_truncate after truncate on notifications
    for each statement execute function notification_counts_track()`.execute(db);

  await sql`
    insert into notification_counts
    select recipient_id, type, priority, sum(f[1]), sum(f[2]), sum(f[3]), sum(f[4]), sum(f[5]), false
    from (select *, notification_count_flags(archived_at, snoozed_until, read_at, seen_at, resolved_at) as f from notifications) as flagged
    group by recipient_id, type, priority`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['insert', 'update', 'delete', 'truncate']) {
    await sql`drop trigger if exists ${sql.raw(`notification_counts_${trigger}`)} on notifications`.execute(db);
  }
  await sql`drop function if exists notification_counts_track()`.execute(db);
  await sql`drop function if exists notification_count_flags(timestamptz, timestamptz, timestamptz, timestamptz, timestamptz)`.execute(db);
  for (const index of ['notifications_recipient_priority_idx', 'notifications_recipient_type_idx', 'notifications_recipient_expires_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.dropTable('notification_counts').ifExists().execute();
}
