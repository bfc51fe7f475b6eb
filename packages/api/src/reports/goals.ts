/**
 * The goal reports, on the goal tables themselves (100,000 goals answer in milliseconds with the
 * indexes of migrations 2026_12_07_0004 and 0005, and each decision keeping its submission time,
 * 0006), so their figures are exact and current.
 */
import { sql } from 'kysely';
import type { DB } from '@pms/db';
import { PENDING_AGE_BUCKETS, type ReportFilter, type ReportOutput } from '@pms/shared';
import { inScope, inScopeJoined, type ReportScope } from './access.js';

type Range = Pick<ReportFilter, 'from' | 'to'>;

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
/** The range's first and last instants as UTC days: [start, end). */
const start = (range: Range) => sql<Date>`(${range.from}::date)::timestamp at time zone 'UTC'`;
const end = (range: Range) => sql<Date>`(${range.to}::date + 1)::timestamp at time zone 'UTC'`;
const ownerInScope = (scope: ReportScope) => inScope(scope, sql.ref<number>('g.owner_id'));
/** `column` (a goal id) is a goal in scope: for the organisation no join with goals (history rows reference theirs). */
const goalInScope = (scope: ReportScope, column: string) =>
  scope.kind === 'organisation' ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} in (select g.id from goals g where ${inScopeJoined(scope, sql.ref<number>('g.owner_id'))})`;

export async function approvalTurnaround(db: DB, scope: ReportScope, range: Range): Promise<ReportOutput<'approvalTurnaround'>> {
  // Each decision keeps when its goal was submitted (goal_history.submitted_at, set by a trigger).
  const decisions = sql`
    select h.action, h.created_at as decided_at, round(extract(epoch from h.created_at - h.submitted_at))::int as seconds
    from goal_history h
    where h.action in ('approve', 'reject') and h.created_at >= ${start(range)} and h.created_at < ${end(range)} and ${goalInScope(scope, 'h.goal_id')}`;
  // One pass over the decisions: the totals (week null) and each week's figures, by grouping sets.
  const { rows } = await sql<{ week: string | null; decided: number; approved: number; rejected: number; medianSeconds: number | null; p90Seconds: number | null }>`
    with d as (${decisions})
    select to_char(date_trunc('week', decided_at at time zone 'UTC'), 'YYYY-MM-DD') as week, count(*)::int as decided,
           count(*) filter (where action = 'approve')::int as approved,
           count(*) filter (where action = 'reject')::int as rejected,
           percentile_disc(0.5) within group (order by seconds) as "medianSeconds",
           percentile_disc(0.9) within group (order by seconds) as "p90Seconds"
    from d group by grouping sets ((), (1)) order by 1 nulls first`.execute(db);
  const [{ week: _all, ...totals }, ...weeks] = rows as [(typeof rows)[number], ...typeof rows];
  return { ...totals, weeks: weeks.map(({ week, decided, medianSeconds }) => ({ week: week!, decided, medianSeconds })) };
}

export async function pendingDecisions(db: DB, scope: ReportScope): Promise<ReportOutput<'pendingDecisions'>> {
  // How long each pending goal has waited: since it entered its status (its latest history row into it).
  const { rows } = await sql<{ status: string; seconds: number }>`
    select g.status, greatest(0, round(extract(epoch from now() - coalesce(
      (select max(h.created_at) from goal_history h where h.goal_id = g.id and h.to_status = g.status), g.updated_at))))::int as seconds
    from goals g
    where g.status in ('PENDING_APPROVAL', 'PENDING_ACCEPTANCE') and ${ownerInScope(scope)}`.execute(db);
  const DAY = 86_400;
  const limits = [DAY, 3 * DAY, 7 * DAY, 14 * DAY, Infinity];
  const table = PENDING_AGE_BUCKETS.map((age) => ({ age, approval: 0, acceptance: 0 }));
  for (const { status, seconds } of rows) {
    const row = table[limits.findIndex((limit) => seconds < limit)]!;
    if (status === 'PENDING_APPROVAL') row.approval++;
    else row.acceptance++;
  }
  return { rows: table, oldestSeconds: rows.length === 0 ? null : Math.max(...rows.map((row) => row.seconds)) };
}

export async function goalResponses(db: DB, scope: ReportScope, range: Range): Promise<ReportOutput<'goalResponses'>> {
  // Whether each goal was accepted or declined, aggregated once and joined, not looked up per assignment.
  const { rows: [counts] } = await sql<{ assigned: number; accepted: number; declined: number }>`
    select count(*)::int as assigned,
           count(*) filter (where r.accepted)::int as accepted,
           count(*) filter (where r.declined)::int as declined
    from goal_history a
    left join (
      select goal_id, bool_or(action = 'accept') as accepted, bool_or(action = 'decline') as declined
      from goal_history where action in ('accept', 'decline') group by goal_id
    ) r on r.goal_id = a.goal_id
    where a.action = 'assign' and a.to_status = 'PENDING_ACCEPTANCE'
      and a.created_at >= ${start(range)} and a.created_at < ${end(range)} and ${goalInScope(scope, 'a.goal_id')}`.execute(db);
  const { assigned, accepted, declined } = counts!;
  return { assigned, accepted, declined, open: assigned - accepted - declined, acceptanceRate: rate(accepted, assigned), declineRate: rate(declined, assigned) };
}

/**
 * A goal's quarter: that of its due date; without one, a quarterly goal's own quarter, and the
 * last quarter of its year for the others. Counted: goals in force (ACTIVE or COMPLETED).
 */
export async function goalCompletion(db: DB, scope: ReportScope, range: Range): Promise<ReportOutput<'goalCompletion'>> {
  const { rows } = await sql<{ quarter: string; type: string; goals: number; completed: number }>`
    with dated as (
      select g.type, g.status, case
        when g.due_date is not null then date_trunc('quarter', g.due_date)::date
        when g.type = 'QUARTERLY' then make_date(g.year, (g.quarter - 1) * 3 + 1, 1)
        else make_date(g.year, 10, 1) end as quarter_start
      from goals g
      where g.status in ('ACTIVE', 'COMPLETED') and ${ownerInScope(scope)}
    )
    select to_char(quarter_start, 'YYYY-"Q"Q') as quarter, type, count(*)::int as goals,
           count(*) filter (where status = 'COMPLETED')::int as completed
    from dated
    where quarter_start >= date_trunc('quarter', ${range.from}::date) and quarter_start <= ${range.to}::date
    group by quarter_start, type order by quarter_start, type`.execute(db);
  return { rows: rows.map((row) => ({ ...row, completionRate: rate(row.completed, row.goals) })) };
}
