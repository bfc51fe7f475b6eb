/**
 * The reports (contract: @pms/shared reports.ts), one query per report over the organisation or
 * a team, and the teams the caller may pick. Access: access.ts.
 */
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '@pms/db';
import { REPORTS, reportFilterInput, reportTeamsOutput, type ReportName } from '@pms/shared';
import { authedProcedure, hasPermission, rest } from '../trpc.js';
import { reportScope } from './access.js';
import { approvalTurnaround, goalCompletion, goalResponses, pendingDecisions } from './goals.js';
import { actionsResolved, notificationReads, notificationsSent } from './notifications.js';

/** A report's procedure: its REST path, the filter, and the caller's scope in `ctx.scope` (refused there when none). */
function report(name: ReportName, summary: string) {
  return authedProcedure
    .meta(rest('GET', `/reports/${name}`, 'reports', summary, 'Administrators: the organisation (no teamId) or any team; supervisors: their own team.'))
    .input(reportFilterInput)
    .use(async ({ ctx, input, next }) => next({ ctx: { scope: await reportScope(ctx.deps.db, ctx.session.user, input.teamId) } }));
}

/** The supervisor's team with its size (none when they supervise nobody). */
async function ownTeam(db: DB, supervisorId: number) {
  const { rows } = await sql<{ id: number; name: string; size: number }>`
    with recursive below(top, id) as (
      select supervisor_id, id from users where supervisor_id = ${supervisorId}
      union all
      select below.top, u.id from users u join below on u.supervisor_id = below.id
    )
    select s.id, s.name, count(*)::int as size from below join users s on s.id = below.top
    group by s.id, s.name`.execute(db);
  return rows;
}

/**
 * Every supervisor with the size of their whole subtree, by name: one pass down the tree from its
 * roots, each person carrying the people above them, then counted per person above (a pass per
 * supervisor would walk each subtree again).
 */
async function allTeams(db: DB) {
  const { rows } = await sql<{ id: number; name: string; size: number }>`
    with recursive chain(id, above) as (
      select id, array[]::int[] from users where supervisor_id is null
      union all
      select u.id, chain.above || u.supervisor_id from users u join chain on u.supervisor_id = chain.id
    ), sizes as (select top, count(*)::int as size from chain, unnest(chain.above) as top group by top)
    select s.id, s.name, sizes.size from sizes join users s on s.id = sizes.top order by s.name, s.id`.execute(db);
  return rows;
}

export const reportsRouter = {
  notificationsSent: report('notificationsSent', 'Notifications sent per day and type')
    .output(REPORTS.notificationsSent)
    .query(({ ctx, input }) => notificationsSent(ctx.deps.db, ctx.scope, input)),
  notificationReads: report('notificationReads', 'Read rate and time to read, per type')
    .output(REPORTS.notificationReads)
    .query(({ ctx, input }) => notificationReads(ctx.deps.db, ctx.scope, input)),
  actionsResolved: report('actionsResolved', 'Requests resolved, by outcome, and time to resolve')
    .output(REPORTS.actionsResolved)
    .query(({ ctx, input }) => actionsResolved(ctx.deps.db, ctx.scope, input)),
  approvalTurnaround: report('approvalTurnaround', 'Time from submission to approval or rejection')
    .output(REPORTS.approvalTurnaround)
    .query(({ ctx, input }) => approvalTurnaround(ctx.deps.db, ctx.scope, input)),
  pendingDecisions: report('pendingDecisions', 'Decisions waiting now, by age (the range does not apply)')
    .output(REPORTS.pendingDecisions)
    .query(({ ctx }) => pendingDecisions(ctx.deps.db, ctx.scope)),
  goalResponses: report('goalResponses', 'Assigned goals accepted and declined')
    .output(REPORTS.goalResponses)
    .query(({ ctx, input }) => goalResponses(ctx.deps.db, ctx.scope, input)),
  goalCompletion: report('goalCompletion', 'Goals completed per quarter and type')
    .output(REPORTS.goalCompletion)
    .query(({ ctx, input }) => goalCompletion(ctx.deps.db, ctx.scope, input)),

  teams: authedProcedure
    .meta(rest('GET', '/reports/teams', 'reports', 'The teams the caller may report on'))
    .input(z.void())
    .output(reportTeamsOutput)
    .query(async ({ ctx }) => {
      const { user } = ctx.session;
      if (hasPermission(user, 'admin')) return { organisation: true, teams: await allTeams(ctx.deps.db) };
      const own = await ownTeam(ctx.deps.db, user.id);
      if (own.length === 0) throw new TRPCError({ code: 'FORBIDDEN', message: 'reports are for supervisors and administrators' });
      return { organisation: false, teams: own };
    }),
};
