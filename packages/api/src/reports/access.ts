/**
 * Who may report on what. Administrators: the organisation (no teamId) or any supervisor's team;
 * a supervisor: their own team only; anyone else: nothing. A team is the supervisor's whole
 * subtree in the current org chart (direct and indirect reports), not the supervisor.
 */
import { TRPCError } from '@trpc/server';
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '@pms/db';
import { hasPermission, type SessionUser } from '../trpc.js';

/** What a report covers: the organisation, or one supervisor's team. */
export type ReportScope = { kind: 'organisation' } | { kind: 'team'; supervisorId: number };

/** The scope's rollup key (notification reports): 0 for the organisation, else the supervisor. */
export const scopeKey = (scope: ReportScope) => (scope.kind === 'organisation' ? 0 : scope.supervisorId);

async function supervises(db: DB, userId: number): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('supervisor_id', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function reportScope(db: DB, user: SessionUser, teamId: number | undefined): Promise<ReportScope> {
  if (hasPermission(user, 'admin')) {
    if (teamId === undefined) return { kind: 'organisation' };
    if (!(await supervises(db, teamId))) throw new TRPCError({ code: 'NOT_FOUND', message: `teamId: user ${teamId} supervises nobody` });
    return { kind: 'team', supervisorId: teamId };
  }
  if (!(await supervises(db, user.id))) throw new TRPCError({ code: 'FORBIDDEN', message: 'reports are for supervisors and administrators' });
  if (teamId !== undefined && teamId !== user.id) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `teamId: you may report on your own team only, not on team ${teamId}` });
  }
  return { kind: 'team', supervisorId: user.id };
}

/** The supervisor's subtree: the user ids below them, as a subquery. */
const team = (supervisorId: number) => sql<number>`
  with recursive team(id) as (
    select id from users where supervisor_id = ${supervisorId}
    union all
    select u.id from users u join team on u.supervisor_id = team.id
  ) select id from team`;

/** `column` (a user id) is in the scope: anyone for the organisation, else in the supervisor's subtree. */
export function inScope(scope: ReportScope, column: RawBuilder<number>): RawBuilder<boolean> {
  if (scope.kind === 'organisation') return sql<boolean>`true`;
  // = any(array(...)): the team is computed once (an InitPlan), not per row.
  return sql<boolean>`${column} = any(array(${team(scope.supervisorId)}))`;
}

/**
 * The same as a semi-join, for queries that join tens of thousands of rows to the team: the
 * planner expects an array to match a hundred rows and loops over indexes; a semi-join it hashes.
 */
export function inScopeJoined(scope: ReportScope, column: RawBuilder<number>): RawBuilder<boolean> {
  if (scope.kind === 'organisation') return sql<boolean>`true`;
  return sql<boolean>`${column} in (${team(scope.supervisorId)})`;
}
