import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Reports. Notifications are too many to scan per report (10 million rows), so their reports read
 * a rollup: per UTC creation day, scope and type, the counts (`report_notification_days`) and the
 * durations (time to read, time to resolve) as histograms in logarithmic buckets
 * (`report_notification_durations`; bucket b >= 1 holds [2^((b-1)/8), 2^(b/8)) seconds, bucket 0
 * under a second). A scope is the organisation (0) or a supervisor whose subtree held the
 * recipient when the day was computed: a team's report reads its own few rows.
 *
 * Freshness: a statement-level trigger on `notifications` appends the creation days a statement
 * touched (in a way that matters to the reports) to `report_dirty_days`, in the writer's
 * transaction; the rollup job (packages/api/src/reports/rollup.ts) deletes the markers it sees and
 * recomputes those days in one REPEATABLE READ transaction. Markers are only ever inserted (no
 * key, no conflict): a marker committed after the job's snapshot is neither seen nor deleted by
 * it, and neither is its change, so the next run takes both.
 *
 * Notifications do not live long (30 days; read ones 7 days after reading), but reports cover
 * months: a deleted notification still counts. Deleting moves its facts, per creation day and
 * recipient, to `report_notification_retired` (the same trigger), and a day is recomputed from its
 * live rows plus its retired ones, so a delete changes no figure and marks nothing. Retired facts
 * keep the recipient, so a recomputed day is scoped by the org chart of its computation; a
 * changed supervisor marks every day, so teams follow the org chart within a run's time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_notification_days')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('scope_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('read', 'integer', (c) => c.notNull())
    .addColumn('asked', 'integer', (c) => c.notNull())
    .addColumn('resolved', 'integer', (c) => c.notNull())
    // Resolved requests by outcome: {"APPROVED": 3, ...}.
    .addColumn('outcomes', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_notification_days_pkey', ['scope_id', 'day', 'type'])
    .execute();
  await db.schema
    .createTable('report_notification_durations')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('scope_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // 'read': read_at - created_at of read ones; 'resolve': resolved_at - created_at of resolved requests.
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('bucket', 'smallint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_notification_durations_pkey', ['scope_id', 'measure', 'day', 'type', 'bucket'])
    .execute();
  // The same per week (Monday, UTC), summed from the days: a long range reads its whole weeks here.
  await db.schema
    .createTable('report_notification_weekly_durations')
    .addColumn('week', 'date', (c) => c.notNull())
    .addColumn('scope_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('bucket', 'smallint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_notification_weekly_durations_pkey', ['scope_id', 'measure', 'week', 'type', 'bucket'])
    .execute();
  await db.schema
    .createTable('report_notification_retired')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('recipient_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('asked', 'boolean', (c) => c.notNull())
    // The outcome of a resolved request; null otherwise.
    .addColumn('outcome', 'text')
    // Null when not read (not resolved).
    .addColumn('read_bucket', 'smallint')
    .addColumn('resolve_bucket', 'smallint')
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_notification_retired_day_idx').on('report_notification_retired').column('day').execute();
  await db.schema
    .createTable('report_dirty_days')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('day', 'date', (c) => c.notNull())
    .execute();

  // The rollup reads one day of notifications at a time.
  await db.schema.createIndex('notifications_created_idx').on('notifications').column('created_at').execute();
  // Goal reports read the raw tables: decisions and assignments by date, pending goals by status.
  await sql`create index goal_history_reports_idx on goal_history (action, created_at) where action in ('approve', 'reject', 'create', 'accept', 'decline')`.execute(db);
  await sql`create index goals_pending_idx on goals (status) where status in ('PENDING_APPROVAL', 'PENDING_ACCEPTANCE')`.execute(db);

  // A duration's bucket: 0 under a second, else b >= 1 for [2^((b-1)/8), 2^(b/8)) seconds.
  await sql`
    create function report_duration_bucket(seconds float8) returns integer language sql immutable as $$
      select case when seconds < 1 then 0 else 1 + floor(8 * ln(seconds) / ln(2))::int end
    $$`.execute(db);
  // What a report counts of a notification; an update that changes none of it marks nothing.
  const day = (rows: string) => `(${rows}.created_at at time zone 'UTC')::date`;
  const facts = (rows: string) =>
    `(${rows}.recipient_id, ${rows}.type, ${rows}.created_at, ${rows}.read_at, ${rows}.resolved_at, ${rows}.resolution, ${rows}.request_key)`;
  await sql`
    create function report_mark_dirty() returns trigger
    language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into report_dirty_days (day) select distinct ${sql.raw(day('new_rows'))} from new_rows;
      elsif tg_op = 'UPDATE' then
        insert into report_dirty_days (day)
        select ${sql.raw(day('o'))} from old_rows o join new_rows n using (id) where ${sql.raw(facts('o'))} is distinct from ${sql.raw(facts('n'))}
        union
        select ${sql.raw(day('n'))} from old_rows o join new_rows n using (id) where ${sql.raw(facts('o'))} is distinct from ${sql.raw(facts('n'))};
      else -- DELETE
        -- The same facts as the rollup reads of a live row (packages/api/src/reports/rollup.ts).
        insert into report_notification_retired (day, recipient_id, type, asked, outcome, read_bucket, resolve_bucket, count)
        select (created_at at time zone 'UTC')::date, recipient_id, type, request_key is not null,
          case when request_key is not null and resolved_at is not null then resolution->>'outcome' end,
          case when read_at is not null then report_duration_bucket(extract(epoch from read_at - created_at)::float8) end,
          case when request_key is not null and resolved_at is not null then report_duration_bucket(extract(epoch from resolved_at - created_at)::float8) end,
          count(*)
        from old_rows
        group by 1, 2, 3, 4, 5, 6, 7;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger report_dirty_insert after insert on notifications
    referencing new table as new_rows for each statement execute function report_mark_dirty()`.execute(db);
  await sql`create trigger report_dirty_update after update on notifications
    referencing old table as old_rows new table as new_rows for each statement execute function report_mark_dirty()`.execute(db);
  await sql`create trigger report_dirty_delete after delete on notifications
    referencing old table as old_rows for each statement execute function report_mark_dirty()`.execute(db);

  // Teams follow the current org chart: a changed supervisor marks every day computed, to be scoped again.
  await sql`
    create function report_org_chart_changed() returns trigger
    language plpgsql as $$
    begin
      insert into report_dirty_days (day) select distinct day from report_notification_days where scope_id = 0;
      return null;
    end $$`.execute(db);
  await sql`create trigger report_org_chart_changed after update of supervisor_id on users
    for each row when (old.supervisor_id is distinct from new.supervisor_id) execute function report_org_chart_changed()`.execute(db);

  // What exists already is computed by the first run.
  await sql`insert into report_dirty_days (day) select distinct (created_at at time zone 'UTC')::date from notifications`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['insert', 'update', 'delete']) {
    await sql`drop trigger if exists ${sql.raw(`report_dirty_${trigger}`)} on notifications`.execute(db);
  }
  await sql`drop trigger if exists report_org_chart_changed on users`.execute(db);
  await sql`drop function if exists report_org_chart_changed()`.execute(db);
  await sql`drop function if exists report_mark_dirty()`.execute(db);
  await sql`drop function if exists report_duration_bucket(float8)`.execute(db);
  for (const index of ['notifications_created_idx', 'goal_history_reports_idx', 'goals_pending_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  for (const table of ['report_dirty_days', 'report_notification_retired', 'report_notification_weekly_durations', 'report_notification_durations', 'report_notification_days']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
