import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Each recipient's counts, kept by PostgreSQL itself: statement-level triggers on `notifications`
 * fold every INSERT, UPDATE and DELETE into `notification_counts` in the same transaction, so
 * `notifications.stats` reads a few rows per person however many notifications they hold, and
 * every path that writes notifications (publish, states, resolution, snooze, retention, ...)
 * keeps them exact without knowing about them.
 *
 * A person's counts for one (type, priority) are the SUM of their rows here. A change inserts its
 * delta and, in the same statement, folds in the rows of the keys it touched that nobody else is
 * folding (FOR UPDATE SKIP LOCKED): it deletes them and adds them to its own row. It never waits
 * for a lock (no unique key, skipped rows), so the triggers add no lock to the product's lock
 * order (realtime/events.ts) and cannot deadlock, whatever order transactions touch people in.
 * A row skipped now is folded by the next change of that key; a key stays at a few rows.
 * (Writers run at READ COMMITTED, where a row deleted concurrently is simply skipped.)
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
    .execute();
  await db.schema.createIndex('notification_counts_key_idx').on('notification_counts').columns(['recipient_id', 'type', 'priority']).execute();
  // Expired rows not deleted yet, per person: what stats subtract.
  await db.schema.createIndex('notifications_recipient_expires_idx').on('notifications').columns(['recipient_id', 'expires_at']).execute();
  // A page filtered by type or by priority, newest first: for a person with 100,000 notifications,
  // a page of 20 unread + type + priority filtered 33,000 rows newest first (60 ms in EXPLAIN
  // ANALYZE); through the type index it filters under 1,000 (2 ms).
  await db.schema.createIndex('notifications_recipient_type_idx').on('notifications').columns(['recipient_id', 'type', 'id desc']).execute();
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

  // Adds per-key deltas, folding in the key's rows nobody else holds. A generic plan: custom plans
  // for each array would cost more planning than the statement takes to run.
  await sql`
    create function notification_counts_add(deltas notification_counts[]) returns void
    language plpgsql set plan_cache_mode = force_generic_plan as $$
    begin
      with delta as (
        select * from unnest(deltas)
        where (total, unread, unseen, archived, snoozed) <> (0, 0, 0, 0, 0)
      ),
      folded as (
        delete from notification_counts
        where ctid = any(array(
          select c.ctid from notification_counts c join delta using (recipient_id, type, priority)
          for update of c skip locked
        ))
        returning recipient_id, type, priority, total, unread, unseen, archived, snoozed
      )
      insert into notification_counts
      select recipient_id, type, priority, sum(total), sum(unread), sum(unseen), sum(archived), sum(snoozed)
      from (select * from delta union all select * from folded) as parts
      group by recipient_id, type, priority
      having (sum(total), sum(unread), sum(unseen), sum(archived), sum(snoozed)) <> (0, 0, 0, 0, 0);
    end $$`.execute(db);

  // The statement's rows, +1 for each row it added (inserted, or an update's new version) and -1
  // for each it took away (deleted, or an update's old version), summed per key.
  const perKey = (rows: string) => sql.raw(`
    array(
      select row(recipient_id, type, priority, sum(sign * f[1]), sum(sign * f[2]), sum(sign * f[3]), sum(sign * f[4]), sum(sign * f[5]))::notification_counts
      from (
        select recipient_id, type, priority, sign, notification_count_flags(archived_at, snoozed_until, read_at, seen_at, resolved_at) as f
        from (${rows}) as changed
      ) as flagged
      group by recipient_id, type, priority
    )`);
  await sql`
    create function notification_counts_track() returns trigger
    language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform notification_counts_add(${perKey('select *, 1 as sign from new_rows')});
      elsif tg_op = 'UPDATE' then
        perform notification_counts_add(${perKey('select *, 1 as sign from new_rows union all select *, -1 from old_rows')});
      elsif tg_op = 'DELETE' then
        perform notification_counts_add(${perKey('select *, -1 as sign from old_rows')});
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
    select recipient_id, type, priority, sum(f[1]), sum(f[2]), sum(f[3]), sum(f[4]), sum(f[5])
    from (select *, notification_count_flags(archived_at, snoozed_until, read_at, seen_at, resolved_at) as f from notifications) as flagged
    group by recipient_id, type, priority`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['insert', 'update', 'delete', 'truncate']) {
    await sql`drop trigger if exists ${sql.raw(`notification_counts_${trigger}`)} on notifications`.execute(db);
  }
  await sql`drop function if exists notification_counts_track()`.execute(db);
  await sql`drop function if exists notification_counts_add(notification_counts[])`.execute(db);
  await sql`drop function if exists notification_count_flags(timestamptz, timestamptz, timestamptz, timestamptz, timestamptz)`.execute(db);
  for (const index of ['notifications_recipient_priority_idx', 'notifications_recipient_type_idx', 'notifications_recipient_expires_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.dropTable('notification_counts').ifExists().execute();
}
