import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Free-text search over goals (the search box): a GIN index on the title (weight A, so a title
 * match ranks first) and the description (weight B). The 'simple' configuration, as the
 * notifications' index: no stemming and no stop words, so names and any language are found as
 * written; type-ahead comes from prefix queries ('quar':*), which GIN answers too.
 * Queries must use this same expression (packages/api/src/search/goals.ts) to use the index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index goals_search_idx on goals using gin (
    (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B'))
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('goals_search_idx').ifExists().execute();
}
