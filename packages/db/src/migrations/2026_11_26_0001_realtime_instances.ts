import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/** Each server instance reports its connection figures here, so any instance can show them all. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('realtime_instances')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sockets', 'integer', (c) => c.notNull())
    .addColumn('users', 'integer', (c) => c.notNull())
    .addColumn('subscriptions', 'integer', (c) => c.notNull())
    .addColumn('user_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('realtime_instances').execute();
}
