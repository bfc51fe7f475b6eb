/** Goal writes shared by the goals API and the demo seed, so both store a new goal the same way. */
import type { Insertable, Kysely } from 'kysely';
import type { Database, GoalsTable } from './schema.js';

/**
 * Stores a new goal and the first row of its history (`create` or `assign`, by its creator)
 * inside the caller's transaction. Returns the goal's id.
 */
export async function insertGoalWithHistory(
  trx: Kysely<Database>,
  goal: Insertable<GoalsTable>,
  action: 'create' | 'assign',
): Promise<number> {
  const { id } = await trx.insertInto('goals').values(goal).returning('id').executeTakeFirstOrThrow();
  await trx
    .insertInto('goal_history')
    .values({ goal_id: id, actor_id: goal.creator_id, action, from_status: null, to_status: goal.status, reason: null, progress: null })
    .execute();
  return id;
}
