import {
  alignedGoalsInput,
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
  teamDashboardInput,
  updateGoalInput,
  updateProgressInput,
} from '@pms/shared';
import { onEventInput, streamUserEvents } from '../realtime/subscribe.js';
import { authedProcedure, rest, scopedProcedure } from '../trpc.js';
import { rejectMany } from './bulk.js';
import { assignGoal, createGoal } from './create.js';
import { goalTopic } from './events.js';
import { teamDashboard } from './dashboard.js';
import { alignedGoalsOutput, goalOutput, goalPageOutput, goalWithHistoryOutput, teamDashboardOutput } from './outputs.js';
import { alignedGoals, goalWithHistory, myGoals, organisationalGoals, pendingApproval, superviseeGoals } from './queries.js';
import { editGoal, transition } from './service.js';

/** A change to one goal, answered with the goal as it is now: POST /goals/{id}/<path> over REST. */
const goalChange = (path: string, summary: string, description?: string) =>
  authedProcedure.meta(rest('POST', `/goals/{id}/${path}`, 'goals', summary, description)).output(goalOutput);

/** A page of goals over REST: GET /goals/<path>. */
const goalList = (path: string, summary: string) =>
  authedProcedure.meta(rest('GET', `/goals/${path}`, 'goals', summary)).output(goalPageOutput);

export const goalsRouter = {
  create: authedProcedure
    .meta(
      rest(
        'POST',
        '/goals',
        'goals',
        'Create a goal',
        "A personal goal (INDIVIDUAL) awaits the supervisor's approval; organisational ones (YEARLY, QUARTERLY) need their permission and start active.",
      ),
    )
    .input(createGoalInput)
    .output(goalOutput)
    .mutation(({ ctx, input, path }) => createGoal(ctx, input, path)),
  assign: authedProcedure
    .meta(rest('POST', '/goals/assign', 'goals', 'Assign a personal goal to a direct report', 'It awaits their acceptance.'))
    .input(assignGoalInput)
    .output(goalOutput)
    .mutation(({ ctx, input, path }) => assignGoal(ctx, input, path)),
  update: authedProcedure
    .meta(
      rest(
        'PATCH',
        '/goals/{id}',
        'goals',
        'Edit a goal still being agreed',
        'With `version`, an edit of a goal someone changed since is refused (409).',
      ),
    )
    .input(updateGoalInput)
    .output(goalOutput)
    .mutation(({ ctx, input }) => editGoal(ctx, input)),

  submit: goalChange('submit', 'Resubmit a rejected goal for approval')
    .input(goalIdInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'submit', goalId: input.id })),
  approve: goalChange('approve', "Approve a goal (its owner's supervisor)")
    .input(goalIdInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'approve', goalId: input.id })),
  reject: goalChange('reject', "Reject a goal, saying why (its owner's supervisor)")
    .input(goalReasonInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'reject', goalId: input.id, reason: input.reason })),
  /** Several goals rejected with one reason: all of them, or none (each refused goal named, with why). */
  rejectMany: authedProcedure.input(rejectManyGoalsInput).mutation(({ ctx, input }) => rejectMany(ctx, input)),
  accept: goalChange('accept', 'Accept an assigned goal (its assignee)')
    .input(goalIdInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'accept', goalId: input.id })),
  decline: goalChange('decline', 'Decline an assigned goal, saying why (its assignee)')
    .input(goalReasonInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'decline', goalId: input.id, reason: input.reason })),
  reassign: goalChange('reassign', 'Assign a declined goal again (its owner\'s supervisor)', 'It awaits their acceptance again; edit it first if needed.')
    .input(goalIdInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'reassign', goalId: input.id })),
  /** Reaching 100 completes the goal. */
  updateProgress: goalChange('progress', 'Report progress (0 to 100), with an optional note', 'Reaching 100 completes the goal.')
    .input(updateProgressInput)
    .mutation(({ ctx, input, path }) =>
      transition(ctx, {
        action: input.progress === 100 ? 'complete' : 'updateProgress',
        goalId: input.id,
        progress: input.progress,
        reason: input.note,
        call: { procedure: path, input },
      }),
    ),
  complete: goalChange('complete', 'Complete a goal (progress 100)')
    .input(completeGoalInput)
    .mutation(({ ctx, input, path }) =>
      transition(ctx, { action: 'complete', goalId: input.id, progress: 100, reason: input.note, call: { procedure: path, input } }),
    ),
  cancel: goalChange('cancel', 'Cancel a goal (its owner or supervisor)')
    .input(cancelGoalInput)
    .mutation(({ ctx, input }) => transition(ctx, { action: 'cancel', goalId: input.id, reason: input.reason })),

  /** People read the goals they may see; an API key holding goals:read reads any goal, and may take no action on it. */
  byId: scopedProcedure('goals:read', 'everyone')
    .meta(
      rest(
        'GET',
        '/goals/{id}',
        'goals',
        'One goal with its history',
        'People read the goals they may see; an API key with goals:read reads any.',
      ),
    )
    .input(goalIdInput)
    .output(goalWithHistoryOutput)
    .query(({ ctx, input }) => goalWithHistory(ctx.deps.db, ctx.caller.kind === 'person' ? ctx.caller.session.user : null, input.id)),
  mine: goalList('mine', 'Goals the caller owns')
    .input(goalListInput)
    .query(({ ctx, input }) => myGoals(ctx.deps.db, ctx.session.user, input)),
  superviseeGoals: goalList('supervisees', "Goals of the caller's direct reports (or of one of them: superviseeId)")
    .input(superviseeGoalsInput)
    .query(({ ctx, input }) => superviseeGoals(ctx.deps.db, ctx.session.user, input)),
  pendingApproval: goalList('pending-approval', "Goals awaiting the caller's approval")
    .input(pendingApprovalInput)
    .query(({ ctx, input }) => pendingApproval(ctx.deps.db, ctx.session.user, input)),
  organisational: goalList('organisational', 'Organisational goals (YEARLY and QUARTERLY), visible to everyone')
    .input(organisationalGoalsInput)
    .query(({ ctx, input }) => organisationalGoals(ctx.deps.db, ctx.session.user, input)),
  aligned: authedProcedure
    .meta(
      rest(
        'GET',
        '/goals/{id}/aligned',
        'goals',
        'Goals aligned to a goal, with their combined progress',
        'The aligned goals the caller may see, and how many others exist. combinedProgress: the mean progress of the visible ones not cancelled, a completed one counting 100.',
      ),
    )
    .input(alignedGoalsInput)
    .output(alignedGoalsOutput)
    .query(({ ctx, input }) => alignedGoals(ctx.deps.db, ctx.session.user, input)),
  teamDashboard: authedProcedure
    .meta(
      rest(
        'GET',
        '/goals/team-dashboard',
        'goals',
        "The caller's direct reports' goals at a glance, and the oldest pending decisions",
        'Per report: active, awaiting your approval, awaiting their acceptance, overdue, completed this quarter, average progress of active goals.',
      ),
    )
    .input(teamDashboardInput)
    .output(teamDashboardOutput)
    .query(({ ctx, input }) => teamDashboard(ctx.deps.db, ctx.session.user, input)),

  /**
   * Changes to goals the caller owns, created, supervises or approves, resumable like
   * notifications: `tracked(id, { kind: 'changed', action, goal })` with the goal as it is now.
   */
  onEvent: authedProcedure.input(onEventInput).subscription(({ ctx, input, signal }) =>
    streamUserEvents(ctx, { topic: goalTopic, lastEventId: input?.lastEventId, signal }),
  ),
};
