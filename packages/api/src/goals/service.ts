/**
 * Changes to existing goals. Each runs in one transaction: a conditional UPDATE (the goal is
 * still in an allowed status and at the version we checked), a history row, and the
 * notifications and events, so two racing decisions end with exactly one winner.
 */
import { TRPCError } from '@trpc/server';
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database, GoalsTable } from '@pms/db';
import { goalPeriodProblem, type GoalAction, type GoalStatus, type updateGoalInput } from '@pms/shared';
import type { z } from 'zod';
import type { ApiDeps, Session } from '../trpc.js';
import { announce } from './notify.js';
import { assertValidParent } from './parent.js';
import { assertDueDateNotPast, scheduleReminders } from './reminders.js';
import { transactOnce, type IdempotentCall } from '../idempotency/once.js';
import { forbiddenMessage, fromStatuses, rolesOf, statusesFor } from './access.js';
import { ACTIONS, STATUS_NAMES, TRANSITIONS, type TransitionRule } from './rules.js';
import { findVisibleGoal, GOAL_COLUMNS, selectGoals, toView, type GoalRow, type GoalView } from './views.js';

export interface GoalContext {
  deps: ApiDeps;
  session: Session;
}

export interface TransitionRequest {
  action: GoalAction;
  goalId: number;
  reason?: string;
  progress?: number;
  /** The version the caller last saw; a newer goal means someone else changed it. */
  expectedVersion?: number;
  /** Validates an edit and returns the columns it changes; runs after the permission check. */
  changes?: (trx: Kysely<Database>, goal: GoalRow) => Promise<Updateable<GoalsTable>>;
  /** The procedure and its input, for mutations that take an idempotency key. */
  call?: Omit<IdempotentCall, 'userId'>;
}

export function transition(ctx: GoalContext, request: TransitionRequest): Promise<GoalView> {
  const call = request.call && { userId: ctx.session.user.id, ...request.call };
  return transactOnce(ctx.deps.db, call, (trx) => applyTransition(trx, ctx, request));
}

/** One transition inside the caller's transaction (several make one bulk decision: bulk.ts). */
export async function applyTransition(trx: Kysely<Database>, ctx: GoalContext, request: TransitionRequest): Promise<GoalView> {
  const viewer = ctx.session.user;
  const rule: TransitionRule = TRANSITIONS[request.action];
  const before = await findVisibleGoal(trx, viewer, request.goalId);
  // The statuses this viewer may act from; a status the action may be taken from, but not by them, is theirs to refuse.
  const allowedFrom = statusesFor(rule, rolesOf(viewer, before));
  if (allowedFrom.length === 0) throw new TRPCError({ code: 'FORBIDDEN', message: forbiddenMessage(rule) });
  if (!allowedFrom.includes(before.status) && fromStatuses(rule).includes(before.status)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: forbiddenMessage(rule, before.status) });
  }
  if (rule.reason === 'required' && !request.reason) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `reason: a reason is required to ${rule.verb} a goal` });
  }
  const reason = rule.reason === 'none' ? null : (request.reason ?? null);
  if (request.expectedVersion !== undefined && request.expectedVersion !== before.version) {
    throw await conflict(trx, before.id, rule, allowedFrom, viewer.id);
  }
  const changes = (await request.changes?.(trx, before)) ?? {};

  const updated = await trx
    .updateTable('goals')
    .set({
      ...changes,
      ...(rule.to && { status: rule.to }),
      ...(request.progress !== undefined && { progress: request.progress }),
      ...(rule.reason === 'required' && { last_reason: reason }),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', before.id)
    .where('status', 'in', allowedFrom)
    .where('version', '=', before.version)
    .returning(GOAL_COLUMNS)
    .executeTakeFirst();
  if (!updated) {
    const repeated = await repeatedDecision(trx, before.id, rule, { action: request.action, actorId: viewer.id, reason });
    if (repeated) return toView(viewer, repeated);
    throw await conflict(trx, before.id, rule, allowedFrom, viewer.id);
  }

  const goal = { ...before, ...updated };
  await trx
    .insertInto('goal_history')
    .values({
      goal_id: goal.id,
      actor_id: viewer.id,
      action: request.action,
      from_status: before.status,
      to_status: goal.status,
      reason,
      progress: request.progress ?? null,
    })
    .execute();
  await announce(trx, ctx.deps, { action: request.action, goal, actor: viewer, reason });
  await scheduleReminders(trx, ctx.deps, before, goal);
  await assertSupervisorUnchanged(trx, goal.ownerId, before.ownerSupervisorId);
  return toView(viewer, goal);
}

/**
 * Who may decide, and who is told, follow the owner's supervisor, read without a lock: locking the
 * owner's row up front would deadlock against the stream-head locks, which are taken in user-id
 * order. announce() has locked the owner's row since (its stream head), so no change of supervisor
 * can commit under us any more: read it again, and refuse if one committed meanwhile.
 */
export async function assertSupervisorUnchanged(trx: Kysely<Database>, ownerId: number, decidedWith: number | null): Promise<void> {
  const owner = await trx.selectFrom('users').select('supervisor_id').where('id', '=', ownerId).executeTakeFirstOrThrow();
  if (owner.supervisor_id !== decidedWith) {
    throw new TRPCError({ code: 'CONFLICT', message: "The owner's supervisor changed meanwhile; reload and try again" });
  }
}

/**
 * A decision retried by the one who made it (a lost response, a double click): the goal is in the
 * status the action leads to and its latest step is this action by this actor, with the same reason
 * (a different reason is another decision, refused as usual). Answered with the
 * goal as it is now, as the first call was; nothing is recorded or told again. Actions that leave
 * the status as it is (edit, updateProgress) are not decisions: their retries need an idempotency key.
 */
async function repeatedDecision(
  trx: Kysely<Database>,
  goalId: number,
  rule: TransitionRule,
  step: { action: GoalAction; actorId: number; reason: string | null },
): Promise<GoalRow | null> {
  if (!rule.to) return null;
  const goal = await selectGoals(trx).where('goals.id', '=', goalId).executeTakeFirstOrThrow();
  if (goal.status !== rule.to) return null;
  const last = await trx
    .selectFrom('goal_history')
    .select(['action', 'actor_id as actorId', 'reason'])
    .where('goal_id', '=', goalId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return last.action === step.action && last.actorId === step.actorId && last.reason === step.reason ? goal : null;
}

/**
 * The CONFLICT for a change that lost: says what happened instead, e.g. "This goal was already
 * approved by Sam Supervisor, so it cannot be rejected".
 */
async function conflict(
  trx: Kysely<Database>,
  goalId: number,
  rule: TransitionRule,
  allowedFrom: readonly GoalStatus[],
  viewerId: number,
): Promise<TRPCError> {
  const { status } = await trx.selectFrom('goals').select('status').where('id', '=', goalId).executeTakeFirstOrThrow();
  const stillAllowed = allowedFrom.includes(status);
  // When the status still allows the change, someone changed the goal meanwhile: name the latest change.
  // Otherwise name the change that put the goal in its current status.
  const last = await trx
    .selectFrom('goal_history as h')
    .innerJoin('users as actor', 'actor.id', 'h.actor_id')
    .select(['h.action', 'h.actor_id as actorId', 'actor.name as actorName'])
    .where('h.goal_id', '=', goalId)
    .$if(!stillAllowed, (qb) => qb.where('h.to_status', '=', status).where(sql<boolean>`h.from_status is distinct from h.to_status`))
    .orderBy('h.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const by = last?.actorId === viewerId ? 'you' : last?.actorName;
  const past = last && ACTIONS[last.action as keyof typeof ACTIONS].past;
  const message = stillAllowed
    ? `This goal was ${past ?? 'changed'} by ${by ?? 'someone else'} since you loaded it; reload it and try again`
    : !last || last.action === 'create' || last.action === 'assign'
      ? `This goal is ${STATUS_NAMES[status]}, so it cannot be ${rule.past}`
      : `This goal was already ${past} by ${by}, so it cannot be ${rule.past}`;
  return new TRPCError({ code: 'CONFLICT', message });
}

type EditInput = z.output<typeof updateGoalInput>;

/** Edits a goal still being agreed (see TRANSITIONS.edit); the period rules apply to the result. */
export function editGoal(ctx: GoalContext, input: EditInput): Promise<GoalView> {
  const { id, version, title, description, year, quarter, dueDate, parentGoalId } = input;
  return transition(ctx, {
    action: 'edit',
    goalId: id,
    expectedVersion: version,
    changes: async (trx, goal) => {
      const problem = goalPeriodProblem({
        type: goal.type,
        year: year ?? goal.year,
        quarter: quarter ?? goal.quarter,
        dueDate: dueDate === undefined ? goal.dueDate : dueDate,
      });
      if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem.message });
      // A date kept as it was is not being set: a goal awaiting approval past its date can still be edited.
      if (dueDate !== goal.dueDate) await assertDueDateNotPast(trx, ctx.session.user.id, dueDate);
      if (parentGoalId) await assertValidParent(trx, ctx.session.user, goal.id, parentGoalId);
      return { title, description, year, quarter, due_date: dueDate, parent_goal_id: parentGoalId };
    },
  });
}
