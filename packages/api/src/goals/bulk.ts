/**
 * One decision on several goals: each goal follows the rules of its single decision (rules.ts,
 * via applyTransition), and the whole is all or nothing, in one transaction.
 *
 * Lock order: the goals' rows in id order (a single decision locks its one goal row first), then
 * the stream heads of everyone the decisions tell, in user-id order (lockStreams), then
 * notification rows. Deciding goal by goal would take streams in several rounds, out of user-id
 * order, and could deadlock with another decision that tells the same people.
 */
import { TRPCError } from '@trpc/server';
import { lockStreams } from '../realtime/events.js';
import { canSee } from './access.js';
import { everyoneTold } from './notify.js';
import { TRANSITIONS } from './rules.js';
import { applyTransition, type GoalContext } from './service.js';
import { selectGoals, type GoalView } from './views.js';

interface Refusal {
  id: number;
  title: string | undefined;
  error: TRPCError;
}

/** "Nothing was rejected. "Q3 plan" (goal 12): This goal was already approved by Sam, so it cannot be rejected; No goal with id 99". */
function refusedAll(refusals: Refusal[]): TRPCError {
  const reasons = refusals.map(({ id, title, error }) => (title === undefined ? error.message : `"${title}" (goal ${id}): ${error.message}`));
  return new TRPCError({ code: refusals[0]!.error.code, message: `Nothing was rejected. ${reasons.join('; ')}` });
}

/**
 * Rejects every goal of `ids` with one reason, or none: a goal the caller may not see, may not
 * reject, or that is no longer pending approval refuses the whole (each such goal named, with
 * why). Each rejection resolves the goal's open approval request and tells its owner, as a single
 * reject does. Returns the goals in the order of `ids`.
 */
export function rejectMany(ctx: GoalContext, input: { ids: number[]; reason: string }): Promise<GoalView[]> {
  const viewer = ctx.session.user;
  const ids = [...input.ids].sort((a, b) => a - b);
  return ctx.deps.db.transaction().execute(async (trx) => {
    await trx.selectFrom('goals').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();
    const visible = (await selectGoals(trx).where('goals.id', 'in', ids).execute()).filter((goal) => canSee(viewer, goal));
    await lockStreams(trx, await everyoneTold(trx, visible, TRANSITIONS.reject.resolves.requests));

    const decided = new Map<number, GoalView>();
    const refusals: Refusal[] = [];
    for (const id of ids) {
      try {
        decided.set(id, await applyTransition(trx, ctx, { action: 'reject', goalId: id, reason: input.reason }));
      } catch (error) {
        if (!(error instanceof TRPCError)) throw error;
        refusals.push({ id, title: visible.find((goal) => goal.id === id)?.title, error });
      }
    }
    if (refusals.length > 0) throw refusedAll(refusals);
    return input.ids.map((id) => decided.get(id)!);
  });
}
