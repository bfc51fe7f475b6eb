/**
 * Goal lists: newest first, keyset-paginated on the id (`cursor` is the last id of the
 * previous page; no OFFSET), filterable by status and type.
 */
import { TRPCError } from '@trpc/server';
import type { DB } from '@pms/db';
import { sql } from 'kysely';
import {
  ORGANISATIONAL_GOAL_TYPES,
  type alignedGoalsInput,
  type goalListInput,
  type organisationalGoalsInput,
  type pendingApprovalInput,
  type superviseeGoalsInput,
} from '@pms/shared';
import type { z } from 'zod';
import { visibleTo, type Viewer } from './access.js';
import { findVisibleGoal, goalHistory, goalNotFound, selectGoals, toView, type GoalQuery } from './views.js';

type PageInput = z.output<typeof goalListInput>;

async function page(viewer: Viewer, query: GoalQuery, input: PageInput) {
  const { status, type, cursor, limit } = input;
  const rows = await query
    .$if(status !== undefined, (qb) => qb.where('goals.status', '=', status!))
    .$if(type !== undefined, (qb) => qb.where('goals.type', '=', type!))
    .$if(cursor != null, (qb) => qb.where('goals.id', '<', cursor!))
    .orderBy('goals.id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((row) => toView(viewer, row));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** Goals I own, whoever created them. */
export function myGoals(db: DB, viewer: Viewer, input: PageInput) {
  return page(viewer, selectGoals(db).where('goals.owner_id', '=', viewer.id), input);
}

/** Goals of my direct reports, or of one of them. */
export async function superviseeGoals(db: DB, viewer: Viewer, input: z.output<typeof superviseeGoalsInput>) {
  const { superviseeId, ...rest } = input;
  if (superviseeId !== undefined) {
    const report = await db
      .selectFrom('users')
      .select('id')
      .where('id', '=', superviseeId)
      .where('supervisor_id', '=', viewer.id)
      .executeTakeFirst();
    if (!report) throw new TRPCError({ code: 'FORBIDDEN', message: 'You can view the goals of your own direct reports only' });
  }
  const query = selectGoals(db)
    .where('owner.supervisor_id', '=', viewer.id)
    .$if(superviseeId !== undefined, (qb) => qb.where('goals.owner_id', '=', superviseeId!));
  return page(viewer, query, rest);
}

/** Everything awaiting my approval: my reports' submissions, and for admins those of users without a supervisor. */
export function pendingApproval(db: DB, viewer: Viewer, input: z.output<typeof pendingApprovalInput>) {
  const query = selectGoals(db)
    .where('goals.status', '=', 'PENDING_APPROVAL')
    .where((eb) =>
      viewer.permissions.includes('admin')
        ? eb.or([
            eb('owner.supervisor_id', '=', viewer.id),
            eb.and([eb('owner.supervisor_id', 'is', null), eb('goals.owner_id', '<>', viewer.id)]),
          ])
        : eb('owner.supervisor_id', '=', viewer.id),
    );
  return page(viewer, query, input);
}

/** YEARLY and QUARTERLY goals, visible to everyone: the goals personal ones align to. */
export function organisationalGoals(db: DB, viewer: Viewer, input: z.output<typeof organisationalGoalsInput>) {
  const { year, ...rest } = input;
  const query = selectGoals(db)
    .where('goals.type', 'in', ORGANISATIONAL_GOAL_TYPES)
    .$if(year !== undefined, (qb) => qb.where('goals.year', '=', year!));
  return page(viewer, query, rest);
}

/**
 * The goals aligned to a goal the viewer may see (those whose parent it is): the ones the viewer
 * may see, a page at a time, and how many others exist, only counted. Combined progress: the mean
 * progress of the visible aligned goals that are not cancelled, a completed one counting 100; over
 * the visible ones only, since a mean over hidden goals would give their progress away.
 */
export async function alignedGoals(db: DB, viewer: Viewer, input: z.output<typeof alignedGoalsInput>) {
  const { id, ...rest } = input;
  await findVisibleGoal(db, viewer, id);
  const visible = visibleTo(viewer);
  const counted = sql<boolean>`${visible} and goals.status <> 'CANCELLED'`;
  const summary = await db
    .selectFrom('goals')
    .innerJoin('users as owner', 'owner.id', 'goals.owner_id')
    .select([
      sql<number>`count(*) filter (where ${visible})::int`.as('visible'),
      sql<number>`count(*) filter (where not ${visible})::int`.as('hidden'),
      sql<number>`count(*) filter (where ${counted})::int`.as('counted'),
      sql<number | null>`round(avg(case when goals.status = 'COMPLETED' then 100 else goals.progress end) filter (where ${counted}))::int`.as(
        'combinedProgress',
      ),
    ])
    .where('goals.parent_goal_id', '=', id)
    .executeTakeFirstOrThrow();
  const goals = await page(viewer, selectGoals(db).where('goals.parent_goal_id', '=', id).where(visible), { ...rest, status: undefined, type: undefined });
  return { ...goals, summary };
}

/** No one: a service reading with an API key (goals:read) sees every goal and may take no action on any. */
const SERVICE: Viewer = { id: 0, permissions: [] };

/** One goal with its timeline; `viewer` null: a service's read, of any goal. */
export async function goalWithHistory(db: DB, viewer: Viewer | null, id: number) {
  const row = viewer ? await findVisibleGoal(db, viewer, id) : await selectGoals(db).where('goals.id', '=', id).executeTakeFirst();
  if (!row) throw goalNotFound(id);
  const goal = toView(viewer ?? SERVICE, row);
  const history = await goalHistory(db, id);
  return { ...goal, history };
}
