import { TRPCError } from '@trpc/server';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { canSee, type Viewer } from './access.js';
import { selectGoals } from './views.js';

/** Serializes re-parenting so that two concurrent edits cannot close a loop together. */
async function lockGoalTree(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('pms.goal_tree'))`.execute(trx);
}

/**
 * Refuses a parent the viewer cannot see (as if missing), and for an existing goal (`goalId`)
 * a parent that is the goal itself or lies below it: parent chains have no cycles.
 */
export async function assertValidParent(trx: Kysely<Database>, viewer: Viewer, goalId: number | null, parentGoalId: number) {
  const parent = await selectGoals(trx).where('goals.id', '=', parentGoalId).executeTakeFirst();
  if (!parent || !canSee(viewer, parent)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `parentGoalId: no goal with id ${parentGoalId}` });
  }
  // A new goal has nothing below it, so only existing goals can close a loop.
  if (goalId === null) return;
  if (parentGoalId === goalId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'parentGoalId: a goal cannot be its own parent' });

  await lockGoalTree(trx);
  // Walk up from the proposed parent; meeting the goal means the change closes a loop.
  const { rows } = await sql<{ id: number }>`
    with recursive chain(id) as (
      select parent_goal_id from goals where id = ${parentGoalId}
      union
      select g.parent_goal_id from goals g join chain c on g.id = c.id
    )
    select id from chain where id = ${goalId}
  `.execute(trx);
  if (rows.length > 0) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `parentGoalId: goal ${parentGoalId} is already below this goal, so it cannot be its parent (parent chains have no cycles)`,
    });
  }
}
