import {
  assignGoalInput,
  cancelGoalInput,
  completeGoalInput,
  createGoalInput,
  goalIdInput,
  goalListInput,
  goalReasonInput,
  organisationalGoalsInput,
  pendingApprovalInput,
  rejectManyGoalsInput,
  superviseeGoalsInput,
  updateGoalInput,
  updateProgressInput,
} from '@pms/shared';
import { onEventInput, streamUserEvents } from '../realtime/subscribe.js';
import { authedProcedure } from '../trpc.js';
import { rejectMany } from './bulk.js';
import { assignGoal, createGoal } from './create.js';
import { goalTopic } from './events.js';
import { goalWithHistory, myGoals, organisationalGoals, pendingApproval, superviseeGoals } from './queries.js';
import { editGoal, transition } from './service.js';

export const goalsRouter = {
  create: authedProcedure.input(createGoalInput).mutation(({ ctx, input, path }) => createGoal(ctx, input, path)),
  assign: authedProcedure.input(assignGoalInput).mutation(({ ctx, input, path }) => assignGoal(ctx, input, path)),
  update: authedProcedure.input(updateGoalInput).mutation(({ ctx, input }) => editGoal(ctx, input)),

  submit: authedProcedure.input(goalIdInput).mutation(({ ctx, input }) => transition(ctx, { action: 'submit', goalId: input.id })),
  approve: authedProcedure.input(goalIdInput).mutation(({ ctx, input }) => transition(ctx, { action: 'approve', goalId: input.id })),
  reject: authedProcedure
    .input(goalReasonInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'reject', goalId: input.id, reason: input.reason })),
  /** Several goals rejected with one reason: all of them, or none (each refused goal named, with why). */
  rejectMany: authedProcedure.input(rejectManyGoalsInput).mutation(({ ctx, input }) => rejectMany(ctx, input)),
  accept: authedProcedure.input(goalIdInput).mutation(({ ctx, input }) => transition(ctx, { action: 'accept', goalId: input.id })),
  decline: authedProcedure
    .input(goalReasonInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'decline', goalId: input.id, reason: input.reason })),
  /** Reaching 100 completes the goal. */
  updateProgress: authedProcedure.input(updateProgressInput).mutation(({ ctx, input, path }) =>
    transition(ctx, {
      action: input.progress === 100 ? 'complete' : 'updateProgress',
      goalId: input.id,
      progress: input.progress,
      reason: input.note,
      call: { procedure: path, input },
    }),
  ),
  complete: authedProcedure.input(completeGoalInput).mutation(({ ctx, input, path }) =>
    transition(ctx, { action: 'complete', goalId: input.id, progress: 100, reason: input.note, call: { procedure: path, input } }),
  ),
  cancel: authedProcedure
    .input(cancelGoalInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'cancel', goalId: input.id, reason: input.reason })),

  byId: authedProcedure.input(goalIdInput).query(({ ctx, input }) => goalWithHistory(ctx.deps.db, ctx.session.user, input.id)),
  mine: authedProcedure.input(goalListInput).query(({ ctx, input }) => myGoals(ctx.deps.db, ctx.session.user, input)),
  superviseeGoals: authedProcedure
    .input(superviseeGoalsInput)
    .query(({ ctx, input }) => superviseeGoals(ctx.deps.db, ctx.session.user, input)),
  pendingApproval: authedProcedure
    .input(pendingApprovalInput)
    .query(({ ctx, input }) => pendingApproval(ctx.deps.db, ctx.session.user, input)),
  organisational: authedProcedure
    .input(organisationalGoalsInput)
    .query(({ ctx, input }) => organisationalGoals(ctx.deps.db, ctx.session.user, input)),

  /**
   * Changes to goals the caller owns, created, supervises or approves, resumable like
   * notifications: `tracked(id, { kind: 'changed', action, goal })` with the goal as it is now.
   */
  onEvent: authedProcedure.input(onEventInput).subscription(({ ctx, input, signal }) =>
    streamUserEvents(ctx, { topic: goalTopic, lastEventId: input?.lastEventId, signal }),
  ),
};
