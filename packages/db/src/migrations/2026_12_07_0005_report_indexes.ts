import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * Report indexes: goal history by action and date, for every action. 2026_12_07_0004's partial
 * index left out 'assign' (the goal responses report's assignments: a full scan of the history)
 * and 'submit' (submissions, paired with their decisions by the approval turnaround report).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index goal_history_action_created_idx on goal_history (action, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('goal_history_action_created_idx').ifExists().execute();
}
