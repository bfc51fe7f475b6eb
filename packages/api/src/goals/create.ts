/** New goals: created by their owner, or assigned by a supervisor to a direct report. */
import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import { insertGoalWithHistory, type Database } from '@pms/db';
import { CREATE_GOAL_PERMISSION, type assignGoalInput, type createGoalInput, type GoalStatus, type GoalType } from '@pms/shared';
import type { z } from 'zod';
import { transactOnce } from '../idempotency/once.js';
import { hasPermission } from '../trpc.js';
import { announce } from './notify.js';
import { assertValidParent } from './parent.js';
import { assertDueDateNotPast, scheduleReminders } from './reminders.js';
import { initialStatus, type CreationAction } from './rules.js';
import { assertSupervisorUnchanged, type GoalContext } from './service.js';
import { selectGoals, toView, type GoalView } from './views.js';

interface NewGoal {
  type: GoalType;
  title: string;
  description: string;
  year: number;
  quarter?: number;
  dueDate?: string;
  parentGoalId?: number;
  ownerId: number;
  /** The owner's supervisor as read when deciding the status and who is told. */
  ownerSupervisorId: number | null;
  status: GoalStatus;
}

/** `procedure`: the caller's path, under which an idempotency key in `input` is kept. */
export function createGoal(ctx: GoalContext, input: z.output<typeof createGoalInput>, procedure: string): Promise<GoalView> {
  const viewer = ctx.session.user;
  const permission = CREATE_GOAL_PERMISSION[input.type];
  if (permission && !hasPermission(viewer, permission)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Creating ${input.type} goals needs the ${permission} permission` });
  }
  return transactOnce(ctx.deps.db, { userId: viewer.id, procedure, input }, async (trx) => {
    // The owner's supervisor as stored now, not as it was when the session began.
    const owner = await trx
      .selectFrom('users')
      .select(['id', 'supervisor_id as supervisorId', 'permissions'])
      .where('id', '=', viewer.id)
      .executeTakeFirstOrThrow();
    const status = initialStatus(input.type, owner);
    return insertGoal(trx, ctx, 'create', { ...input, ownerId: viewer.id, ownerSupervisorId: owner.supervisorId, status });
  });
}

export function assignGoal(ctx: GoalContext, input: z.output<typeof assignGoalInput>, procedure: string): Promise<GoalView> {
  const { superviseeId, ...goal } = input;
  return transactOnce(ctx.deps.db, { userId: ctx.session.user.id, procedure, input }, async (trx) => {
    const supervisee = await trx
      .selectFrom('users')
      .select(['id', 'supervisor_id as supervisorId', 'active'])
      .where('id', '=', superviseeId)
      .executeTakeFirst();
    // The same answer whether the user is missing or someone else's report.
    if (!supervisee?.active || supervisee.supervisorId !== ctx.session.user.id) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You can assign goals only to your own direct reports' });
    }
    return insertGoal(trx, ctx, 'assign', { ...goal, ownerId: supervisee.id, ownerSupervisorId: supervisee.supervisorId, status: 'PENDING_ACCEPTANCE' });
  });
}

async function insertGoal(trx: Kysely<Database>, ctx: GoalContext, action: CreationAction, goal: NewGoal): Promise<GoalView> {
  const viewer = ctx.session.user;
  if (goal.parentGoalId) await assertValidParent(trx, viewer, null, goal.parentGoalId);
  await assertDueDateNotPast(trx, viewer.id, goal.dueDate);
  const id = await insertGoalWithHistory(
    trx,
    {
      title: goal.title,
      description: goal.description,
      type: goal.type,
      year: goal.year,
      quarter: goal.quarter ?? null,
      due_date: goal.dueDate ?? null,
      owner_id: goal.ownerId,
      creator_id: viewer.id,
      parent_goal_id: goal.parentGoalId ?? null,
      status: goal.status,
    },
    action,
  );
  const row = await selectGoals(trx).where('goals.id', '=', id).executeTakeFirstOrThrow();
  await announce(trx, ctx.deps, { action, goal: row, actor: viewer, reason: null });
  await scheduleReminders(trx, ctx.deps, null, row);
  await assertSupervisorUnchanged(trx, goal.ownerId, goal.ownerSupervisorId);
  return toView(viewer, row);
}
