import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Reaching people outside the app: the organisation's default per notification category and
 * channel, each person's own choices (null: the default applies), their time zone and quiet
 * hours; every email the service sends or keeps (also its exactly-once ledger); the digests
 * already started per period; the due-date reminders already raised.
 */
const CATEGORIES = ['goals', 'initiatives', 'reviews', 'system'];
const TIMINGS = sql`('immediately', 'unreadAfter', 'hourly', 'daily', 'never')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('preference_defaults')
    .addColumn('category', 'text', (c) => c.primaryKey())
    .addColumn('in_app', 'boolean', (c) => c.notNull())
    .addColumn('email', 'boolean', (c) => c.notNull())
    .addColumn('desktop', 'boolean', (c) => c.notNull())
    .addColumn('email_timing', 'text', (c) => c.notNull().check(sql`email_timing in ${TIMINGS}`))
    .addColumn('unread_delay_minutes', 'integer', (c) => c.notNull().check(sql`unread_delay_minutes between 1 and 10080`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db
    .insertInto('preference_defaults')
    .values(CATEGORIES.map((category) => ({ category, in_app: true, email: true, desktop: true, email_timing: 'unreadAfter', unread_delay_minutes: 30 })))
    .execute();

  await db.schema
    .createTable('user_preferences')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull().references('preference_defaults.category'))
    .addColumn('in_app', 'boolean')
    .addColumn('email', 'boolean')
    .addColumn('desktop', 'boolean')
    .addColumn('email_timing', 'text', (c) => c.check(sql`email_timing in ${TIMINGS}`))
    .addColumn('unread_delay_minutes', 'integer', (c) => c.check(sql`unread_delay_minutes between 1 and 10080`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_preferences_pkey', ['user_id', 'category'])
    .execute();

  // Apart from `users`: changing these must not make every socket of the person re-read its session.
  await db.schema
    .createTable('user_settings')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    // Minutes after local midnight; both null: no quiet hours. May wrap midnight (22:00 to 07:00).
    .addColumn('quiet_start_minute', 'smallint', (c) => c.check(sql`quiet_start_minute between 0 and 1439`))
    .addColumn('quiet_end_minute', 'smallint', (c) => c.check(sql`quiet_end_minute between 0 and 1439`))
    .addColumn('decisions_digest', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('user_settings_quiet_hours', sql`(quiet_start_minute is null) = (quiet_end_minute is null)`)
    .execute();

  await db.schema
    .createTable('mail_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // What the mail is for (`notification:42`, `digest:daily:7:2026-12-02`): one mail per key, ever.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('notification_id', 'bigint')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // sending: claimed until lease_until (a sender that died lets the next attempt take it); sent.
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sending', 'sent')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('transport', 'text', (c) => c.check(sql`transport in ('smtp', 'stored')`))
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('mail_messages_created_at').on('mail_messages').column('created_at').execute();
  await db.schema.createIndex('mail_messages_user_id').on('mail_messages').columns(['user_id', 'created_at']).execute();

  // A digest per person and period (`daily` `2026-12-02`, `hourly` `2026-12-02T08`) starts once.
  await db.schema
    .createTable('digest_runs')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('digest_runs_pkey', ['user_id', 'kind', 'period'])
    .execute();

  // A reminder is raised once per goal, threshold and due date: a new date earns new reminders.
  await db.schema
    .createTable('goal_reminders')
    .addColumn('goal_id', 'integer', (c) => c.notNull().references('goals.id').onDelete('cascade'))
    .addColumn('threshold', 'text', (c) => c.notNull().check(sql`threshold in ('dueSoon', 'overdue')`))
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('goal_reminders_pkey', ['goal_id', 'threshold', 'due_date'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['goal_reminders', 'digest_runs', 'mail_messages', 'user_settings', 'user_preferences', 'preference_defaults']) {
    await db.schema.dropTable(table).execute();
  }
}
