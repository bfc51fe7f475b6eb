import type { Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * rate-limiter-flexible's PostgreSQL store (login throttling), created here so no instance creates
 * tables at runtime. The library inserts positional values: the columns must stay key, points, expire.
 * `key` is text, not the library's varchar(255): keys hold an email and an address.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint') // epoch milliseconds; null = never
    .execute();
  // The library's sweep deletes by expiry.
  await db.schema.createIndex('rate_limits_expire').on('rate_limits').column('expire').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
