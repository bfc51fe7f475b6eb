/**
 * How goals are read and shown: one SELECT shape for every list and lookup, and the view
 * the API returns, with the actions the caller may take.
 */
import { TRPCError } from '@trpc/server';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { allowedActions, canSee, type Viewer } from './access.js';
import { localToday } from './reminders.js';
import { REMINDED_STATUSES } from './rules.js';

/**
 * Days from today to the due date in the owner's time zone, by the database's clock (the day the
 * reminders count by): negative when overdue. Null when the goal has no date or is not reminded.
 */
const daysLeft = sql<number | null>`case when goals.status = any(${sql.val(REMINDED_STATUSES)}::text[]) then
  goals.due_date - ${localToday(sql.ref<number>('goals.owner_id'))} end`;

/** The goal's own columns as the API names them; valid in SELECT and in UPDATE … RETURNING. */
export const GOAL_COLUMNS = [
  'goals.id',
  'goals.title',
  'goals.description',
  'goals.type',
  'goals.year',
  'goals.quarter',
  'goals.due_date as dueDate',
  'goals.status',
  'goals.progress',
  'goals.last_reason as lastReason',
  'goals.version',
  'goals.parent_goal_id as parentGoalId',
  'goals.owner_id as ownerId',
  'goals.creator_id as creatorId',
  'goals.created_at as createdAt',
  'goals.updated_at as updatedAt',
  daysLeft.as('daysLeft'),
] as const;

/** Goals with their owner (and the owner's current supervisor) and creator. */
export function selectGoals(db: Kysely<Database>) {
  return db
    .selectFrom('goals')
    .innerJoin('users as owner', 'owner.id', 'goals.owner_id')
    .innerJoin('users as creator', 'creator.id', 'goals.creator_id')
    .select([...GOAL_COLUMNS, 'owner.name as ownerName', 'owner.supervisor_id as ownerSupervisorId', 'creator.name as creatorName']);
}

export type GoalQuery = ReturnType<typeof selectGoals>;
export type GoalRow = Awaited<ReturnType<GoalQuery['executeTakeFirstOrThrow']>>;

export function toView(viewer: Viewer, row: GoalRow) {
  const { ownerId, ownerName, ownerSupervisorId, creatorId, creatorName, ...goal } = row;
  return {
    ...goal,
    owner: { id: ownerId, name: ownerName, supervisorId: ownerSupervisorId },
    creator: { id: creatorId, name: creatorName },
    allowedActions: allowedActions(viewer, row),
  };
}

export type GoalView = ReturnType<typeof toView>;

/** The goal, if this viewer may see it. Missing and hidden goals get the same answer. */
export async function findVisibleGoal(db: Kysely<Database>, viewer: Viewer, id: number): Promise<GoalRow> {
  const row = await selectGoals(db).where('goals.id', '=', id).executeTakeFirst();
  if (!row || !canSee(viewer, row)) throw goalNotFound(id);
  return row;
}

export function goalNotFound(id: number): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No goal with id ${id}` });
}

/** Oldest first: the goal's timeline. */
export function goalHistory(db: Kysely<Database>, goalId: number) {
  return db
    .selectFrom('goal_history as h')
    .innerJoin('users as actor', 'actor.id', 'h.actor_id')
    .select([
      'h.id',
      'h.action',
      'h.from_status as fromStatus',
      'h.to_status as toStatus',
      // The rejection or decline reason, or the note given with a progress update.
      'h.reason',
      'h.progress',
      'h.created_at as createdAt',
      'actor.id as actorId',
      'actor.name as actorName',
    ])
    .where('h.goal_id', '=', goalId)
    .orderBy('h.id')
    .execute();
}
