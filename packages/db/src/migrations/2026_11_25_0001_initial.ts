import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('supervisor_id', 'integer', (c) => c.references('users.id'))
    .addColumn('permissions', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('last_event_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_not_own_supervisor', sql`supervisor_id <> id`)
    .execute();
  await db.schema.createIndex('users_supervisor_idx').on('users').column('supervisor_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('goals')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('YEARLY', 'QUARTERLY', 'INDIVIDUAL')`))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('quarter', 'integer', (c) => c.check(sql`quarter between 1 and 4`))
    .addColumn('due_date', 'date')
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('creator_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('parent_goal_id', 'integer', (c) => c.references('goals.id'))
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0).check(sql`progress between 0 and 100`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('goals_quarter_matches_type', sql`(type = 'QUARTERLY') = (quarter is not null)`)
    .execute();
  await db.schema.createIndex('goals_owner_idx').on('goals').columns(['owner_id', 'status', 'id']).execute();
  await db.schema.createIndex('goals_parent_idx').on('goals').column('parent_goal_id').execute();
  await db.schema
    .createIndex('goals_pending_approval_idx')
    .on('goals')
    .column('owner_id')
    .where(sql.ref('status'), '=', 'PENDING_APPROVAL')
    .execute();

  await db.schema
    .createTable('goal_history')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('goal_id', 'integer', (c) => c.notNull().references('goals.id'))
    .addColumn('actor_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('progress', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('goal_history_goal_idx').on('goal_history').columns(['goal_id', 'id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority in ('LOW', 'NORMAL', 'HIGH', 'URGENT')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('link', 'text')
    .addColumn('read_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Newest-first keyset pages per recipient; unread counts; retention sweeps.
  await db.schema.createIndex('notifications_recipient_idx').on('notifications').columns(['recipient_id', 'id desc']).execute();
  await db.schema
    .createIndex('notifications_unread_idx')
    .on('notifications')
    .columns(['recipient_id', 'id desc'])
    .where(sql.ref('read_at'), 'is', null)
    .execute();
  await db.schema.createIndex('notifications_expires_idx').on('notifications').column('expires_at').execute();
  await db.schema
    .createIndex('notifications_read_at_idx')
    .on('notifications')
    .column('read_at')
    .where(sql.ref('read_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('user_events')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_events_pk', ['user_id', 'seq'])
    .execute();
  await db.schema.createIndex('user_events_created_idx').on('user_events').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['user_events', 'notifications', 'goal_history', 'goals', 'sessions', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
