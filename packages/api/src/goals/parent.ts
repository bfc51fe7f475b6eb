import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { closesLoop, type Chain } from '../lib/chains.js';
import { canSee, type Viewer } from './access.js';
import { selectGoals } from './views.js';

const GOAL_TREE: Chain = { table: 'goals', link: 'parent_goal_id', lock: 'pms.goal_tree' };

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

  if (await closesLoop(trx, GOAL_TREE, goalId, parentGoalId)) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `parentGoalId: goal ${parentGoalId} is already below this goal, so it cannot be its parent (parent chains have no cycles)`,
    });
  }
}
