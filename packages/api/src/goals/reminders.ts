/**
 * Due dates: no date in the past may be set, and a goal due soon or overdue tells its owner (and,
 * when overdue, their supervisor) once per threshold and due date.
 *
 * Each reminder is a job (jobs/queue.ts) enqueued in the transaction that gives the goal its due
 * date, changes it, or makes the goal one that is reminded (REMINDED_STATUSES): one for the start
 * of the due-soon day and one for the start of the day after the due date, both in the owner's
 * time zone (UTC when they never chose one). A moment already past runs at once. The handler
 * decides once, in one transaction: the goal must still be reminded, still due on the job's date
 * (a changed date enqueued jobs of its own; the old ones find nothing), and its reminder row must
 * be new (`goal_reminders`, one per goal, threshold and due date), so two instances or a retry
 * after a crash raise it once.
 */
import { TRPCError } from '@trpc/server';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '@pms/db';
import type { GoalStatus } from '@pms/shared';
import type { JobKind } from '../jobs/queue.js';
import { publish, type NewNotification } from '../notifications/publish.js';
import type { ApiDeps } from '../trpc.js';
import { REMINDED_STATUSES } from './rules.js';

export type ReminderThreshold = 'dueSoon' | 'overdue';

export interface GoalReminder {
  goalId: number;
  threshold: ReminderThreshold;
  /** The due date the reminder is for, `2026-12-24`. */
  dueDate: string;
}

/** This user's time zone (a user id, or a column holding one): their setting, else UTC. */
export function zoneOf(userId: number | RawBuilder<number>) {
  return sql<string>`coalesce((select time_zone from user_settings where user_id = ${userId}), 'UTC')`;
}

/** Today in this user's time zone, by the database's clock, as an SQL date. */
export function localToday(userId: number | RawBuilder<number>) {
  return sql<string>`(now() at time zone ${zoneOf(userId)})::date`;
}

/** The same as text, `2026-12-02`. */
function todayOf(userId: number | RawBuilder<number>) {
  return sql<string>`to_char(${localToday(userId)}, 'YYYY-MM-DD')`;
}

/** Refuses a due date before today in the actor's time zone (today itself is fine). */
export async function assertDueDateNotPast(trx: Kysely<Database>, actorId: number, dueDate: string | null | undefined): Promise<void> {
  if (!dueDate) return;
  const { today } = await trx.selectNoFrom(todayOf(actorId).as('today')).executeTakeFirstOrThrow();
  if (dueDate < today) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `dueDate must not be in the past (today is ${today})` });
  }
}

interface DatedGoal {
  id: number;
  ownerId: number;
  status: GoalStatus;
  dueDate: string | null;
}

const reminded = (status: GoalStatus) => REMINDED_STATUSES.includes(status);

/**
 * Enqueues the goal's reminders when a change gave it a due date, changed that date, or made it
 * a goal that is reminded (approved, accepted). `before` is null for a new goal. Extra jobs for a
 * date already reminded cost a job run: the reminder row makes them do nothing.
 */
export async function scheduleReminders(
  trx: Kysely<Database>,
  deps: Pick<ApiDeps, 'jobs' | 'config'>,
  before: Pick<DatedGoal, 'status' | 'dueDate'> | null,
  goal: DatedGoal,
): Promise<void> {
  const { dueDate } = goal;
  if (!dueDate) return;
  if (before && before.dueDate === dueDate && (reminded(before.status) || !reminded(goal.status))) return;
  // Local midnights in the owner's zone, computed by PostgreSQL (which knows every zone's rules).
  const zone = zoneOf(goal.ownerId);
  const { rows } = await sql<{ dueSoonAt: Date; overdueAt: Date }>`
    select (${dueDate}::date - ${deps.config.goalDueSoonDays}::int)::timestamp at time zone ${zone} as "dueSoonAt",
           (${dueDate}::date + 1)::timestamp at time zone ${zone} as "overdueAt"`.execute(trx);
  const { dueSoonAt, overdueAt } = rows[0]!;
  // A moment already past: pg-boss runs the job at once.
  await deps.jobs.enqueue(trx, goalReminderJob, { goalId: goal.id, threshold: 'dueSoon', dueDate }, { startAfter: dueSoonAt });
  await deps.jobs.enqueue(trx, goalReminderJob, { goalId: goal.id, threshold: 'overdue', dueDate }, { startAfter: overdueAt });
}

export const goalReminderJob: JobKind<GoalReminder> = {
  name: 'goal.reminder',
  options: {
    // Its work takes milliseconds: a job active for 10 s lost its process, and runs again.
    expireInSeconds: 10,
    // Retries after 1-2 s, doubling (9 to 18 hours in all): a database outage delays a reminder, no more.
    retryLimit: 15,
    retryDelay: 1,
    retryBackoff: true,
  },
  handle: async (reminder, deps) => {
    await deps.db.transaction().execute((trx) => remind(trx, deps, reminder));
  },
};

/** Raises the reminder if it is still due and not raised yet; true when it raised it. */
async function remind(trx: Kysely<Database>, deps: ApiDeps, { goalId, threshold, dueDate }: GoalReminder): Promise<boolean> {
  // FOR SHARE: a completion or cancellation in flight commits first (and we see it) or waits for us.
  const goal = await trx
    .selectFrom('goals')
    .innerJoin('users as owner', 'owner.id', 'goals.owner_id')
    .select([
      'goals.title',
      'goals.status',
      'goals.due_date as dueDate',
      'goals.owner_id as ownerId',
      'owner.name as ownerName',
      'owner.supervisor_id as supervisorId',
    ])
    .select(todayOf(sql.ref<number>('goals.owner_id')).as('today'))
    .where('goals.id', '=', goalId)
    // The goal's row only: the owner's stream is locked by publish, in the lock order of lockStreams.
    .modifyEnd(sql`for share of goals`)
    .executeTakeFirst();
  if (!goal || !reminded(goal.status) || goal.dueDate !== dueDate) return false;
  // Due soon arriving after the date passed (a goal approved late, a long outage): the overdue reminder says it.
  if (threshold === 'dueSoon' && goal.today > dueDate) return false;
  const inserted = await trx
    .insertInto('goal_reminders')
    .values({ goal_id: goalId, threshold, due_date: dueDate })
    .onConflict((oc) => oc.doNothing())
    .returning('goal_id')
    .executeTakeFirst();
  if (!inserted) return false;

  const base = { link: `/goals/${goalId}`, groupKey: `goal:${goalId}:due`, data: { goalId, dueDate, threshold } };
  const notifications: NewNotification[] =
    threshold === 'dueSoon'
      ? [{ ...base, recipientId: goal.ownerId, type: 'GOAL_DUE_SOON', priority: 'NORMAL', title: 'Goal due soon', message: `"${goal.title}" is due on ${dueDate}` }]
      : [
          { ...base, recipientId: goal.ownerId, type: 'GOAL_OVERDUE', priority: 'HIGH', title: 'Goal overdue', message: `"${goal.title}" was due on ${dueDate}` },
          ...(goal.supervisorId === null
            ? []
            : [
                {
                  ...base,
                  recipientId: goal.supervisorId,
                  type: 'GOAL_OVERDUE' as const,
                  priority: 'HIGH' as const,
                  title: 'Goal overdue',
                  message: `${goal.ownerName}'s goal "${goal.title}" was due on ${dueDate}`,
                },
              ]),
        ];
  await publish(trx, { notifications, jobs: deps.jobs, ttlDays: deps.config.notificationTtlDays });
  return true;
}
