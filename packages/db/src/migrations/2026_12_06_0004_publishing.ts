import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Publishing for other modules. `notification_types`: every type a notification may have, with
 * its category (preferences) and label (the SPA), seeded with the built-in ones and their
 * categories as the type prefix gave them until now; `notifications.type` must be one of them.
 * `publications`: what a module published, to whom, and when it is (or was) delivered.
 * `idempotency_keys` also answers API keys: exactly one of user_id and api_key_id is the caller.
 */
const BUILT_IN: Array<[type: string, category: string, label: string]> = [
  ['GOAL_SUBMITTED', 'goals', 'Goal submitted'],
  ['GOAL_APPROVED', 'goals', 'Goal approved'],
  ['GOAL_REJECTED', 'goals', 'Goal rejected'],
  ['GOAL_ASSIGNED', 'goals', 'Goal assigned'],
  ['GOAL_ACCEPTED', 'goals', 'Goal accepted'],
  ['GOAL_DECLINED', 'goals', 'Goal declined'],
  ['GOAL_PROGRESS_UPDATED', 'goals', 'Progress updated'],
  ['GOAL_COMPLETED', 'goals', 'Goal completed'],
  ['GOAL_CANCELLED', 'goals', 'Goal cancelled'],
  ['GOAL_DUE_SOON', 'goals', 'Goal due soon'],
  ['GOAL_OVERDUE', 'goals', 'Goal overdue'],
  ['INITIATIVE_ASSIGNED', 'initiatives', 'Initiative assigned'],
  ['INITIATIVE_DUE_SOON', 'initiatives', 'Initiative due soon'],
  ['INITIATIVE_OVERDUE', 'initiatives', 'Initiative overdue'],
  ['REVIEW_DUE', 'reviews', 'Review due'],
  ['REVIEW_COMPLETED', 'reviews', 'Review completed'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification_types')
    .addColumn('type', 'text', (c) => c.primaryKey().check(sql`type ~ '^[A-Z][A-Z0-9_]{2,63}$'`))
    .addColumn('category', 'text', (c) => c.notNull().references('preference_defaults.category'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('built_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db
    .insertInto('notification_types')
    .values(BUILT_IN.map(([type, category, label]) => ({ type, category, label, built_in: true })))
    .execute();
  // Any type already stored is built in: nothing else could be sent until now.
  await db.schema
    .alterTable('notifications')
    .addForeignKeyConstraint('notifications_type_fkey', ['type'], 'notification_types', ['type'])
    .execute();

  await db.schema
    .createTable('publications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Who published: a service's key, or an administrator.
    .addColumn('api_key_id', 'integer', (c) => c.references('api_keys.id').onDelete('set null'))
    .addColumn('published_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('type', 'text', (c) => c.notNull().references('notification_types.type'))
    /** Everything the notifications will say (priority, title, message, link, data, groupKey, actions). */
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('recipient_ids', sql`integer[]`, (c) => c.notNull())
    .addColumn('send_at', 'timestamptz')
    /** Set in the transaction that stored its notifications: a publication is delivered once. */
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('notifications')
    .addColumn('publication_id', 'bigint', (c) => c.references('publications.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('notifications_publication_idx').on('notifications').column('publication_id').where('publication_id', 'is not', null).execute();

  await db.schema.alterTable('idempotency_keys').dropConstraint('idempotency_keys_pkey').execute();
  await db.schema.alterTable('idempotency_keys').alterColumn('user_id', (c) => c.dropNotNull()).execute();
  await db.schema
    .alterTable('idempotency_keys')
    .addColumn('api_key_id', 'integer', (c) => c.references('api_keys.id').onDelete('cascade'))
    .execute();
  await db.schema
    .alterTable('idempotency_keys')
    .addCheckConstraint('idempotency_keys_one_caller', sql`num_nonnulls(user_id, api_key_id) = 1`)
    .execute();
  await db.schema.createIndex('idempotency_keys_user_key').on('idempotency_keys').columns(['user_id', 'key']).unique().where('user_id', 'is not', null).execute();
  await db.schema
    .createIndex('idempotency_keys_api_key_key')
    .on('idempotency_keys')
    .columns(['api_key_id', 'key'])
    .unique()
    .where('api_key_id', 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('api_key_id', 'is not', null).execute();
  await db.schema.dropIndex('idempotency_keys_api_key_key').execute();
  await db.schema.dropIndex('idempotency_keys_user_key').execute();
  await db.schema.alterTable('idempotency_keys').dropConstraint('idempotency_keys_one_caller').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('api_key_id').execute();
  await db.schema.alterTable('idempotency_keys').alterColumn('user_id', (c) => c.setNotNull()).execute();
  await db.schema.alterTable('idempotency_keys').addPrimaryKeyConstraint('idempotency_keys_pkey', ['user_id', 'key']).execute();
  await db.schema.alterTable('notifications').dropColumn('publication_id').execute();
  await db.schema.dropTable('publications').execute();
  await db.schema.alterTable('notifications').dropConstraint('notifications_type_fkey').execute();
  await db.schema.dropTable('notification_types').execute();
}
