/**
 * bench:inbox's data: `total` notifications over `users` people, `heavy` of them for one person
 * (spread evenly over the table, as a busy person's would be), loaded with INSERT ... SELECT over
 * generate_series in chunks, through the production triggers (so the stored counts are the ones
 * the app keeps), with the secondary indexes built afterwards. Text, types, priorities and states follow a fixed pseudo-random mix.
 */
import { sql, type Kysely } from 'kysely';
import { BuiltInNotificationType } from '@pms/shared';
import { foldAllCounts, refreshReports } from '@pms/api';
import type { Database, DB } from '@pms/db';

const TITLES: Record<BuiltInNotificationType, string> = {
  GOAL_SUBMITTED: 'Goal awaiting your approval',
  GOAL_APPROVED: 'Goal approved',
  GOAL_REJECTED: 'Goal rejected',
  GOAL_ASSIGNED: 'New goal assigned to you',
  GOAL_ACCEPTED: 'Goal accepted',
  GOAL_DECLINED: 'Goal declined',
  GOAL_PROGRESS_UPDATED: 'Progress updated',
  GOAL_COMPLETED: 'Goal completed',
  GOAL_CANCELLED: 'Goal cancelled',
  GOAL_DUE_SOON: 'Goal due soon',
  GOAL_OVERDUE: 'Goal overdue',
  INITIATIVE_ASSIGNED: 'Initiative assigned',
  INITIATIVE_DUE_SOON: 'Initiative due soon',
  INITIATIVE_OVERDUE: 'Initiative overdue',
  REVIEW_DUE: 'Review due',
  REVIEW_COMPLETED: 'Review completed',
};
const TYPES = BuiltInNotificationType.options;
const NAMES = ['Alice Analyst', 'Bob Builder', 'Carol Chen', 'Dave Diaz', 'Erin Evans', 'Frank Fischer', 'Grace Hopper', 'Hiro Tanaka', 'Ines Duarte', 'Jon Berg', 'Kemi Adeyemi', 'Lena Novak'];
const GOALS = [
  'Increase quarterly revenue by 10%', 'Reduce customer churn', 'Ship the mobile onboarding flow', 'Hire two backend engineers',
  'Cut cloud spend by 15%', 'Launch the partner portal', 'Improve NPS to 45', 'Migrate billing to the new platform',
  'Write the security runbook', 'Mentor a junior colleague', 'Finish the leadership course', 'Automate the monthly close',
  'Redesign the pricing page', 'Reduce support backlog below 50 tickets', 'Document the data model', 'Run the customer advisory board',
  'Achieve SOC 2 readiness', 'Speed up the test suite', 'Open the Lisbon office', 'Grow the newsletter to 20,000 readers',
];
/** Priorities by weight: mostly NORMAL. */
const PRIORITIES = ['LOW', 'LOW', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'HIGH', 'HIGH', 'URGENT'];

const array = (values: readonly string[]) => sql`${sql.val(values)}::text[]`;

export interface LoadPlan {
  total: number;
  heavy: number;
  heavyId: number;
  /** The other people's ids are otherFirst .. otherFirst + others - 1. */
  otherFirst: number;
  others: number;
  chunk: number;
}

/**
 * Inserts rows g = from..to of the plan. Row g belongs to the heavy person when floor(g * heavy /
 * total) steps up at g (exactly `heavy` rows, evenly spread); h is a hash of g that picks the rest:
 * 60% read, 80% seen, 10% archived, 1% snoozed, most requests resolved, 1 in 2000 expired and not
 * deleted yet (the retention job's backlog); created over the last 25 days, in id order.
 */
async function insertChunk(db: Kysely<Database>, plan: LoadPlan, from: number, to: number) {
  const { total, heavy, heavyId, otherFirst, others } = plan;
  await sql`
    insert into notifications (recipient_id, type, priority, title, message, data, link, read_at, seen_at, archived_at, snoozed_until, resolved_at, resolution, created_at, expires_at)
    select recipient_id, type, priority, title, message, data, link,
      case when h % 10 < 6 then created_at + interval '1 hour' end,
      case when h % 10 < 8 then created_at + interval '1 minute' end,
      case when (h / 10) % 10 = 0 then created_at + interval '2 hours' end,
      case when (h / 10) % 100 = 1 then now() + interval '1 day' end,
      case when resolvable and (h / 1000) % 10 < 7 then created_at + interval '3 hours' end,
      case when resolvable and (h / 1000) % 10 < 7 then '{"outcome":"APPROVED","byId":1,"byName":"Ada Admin","reason":null}'::jsonb end,
      created_at,
      case when h % 2000 = 1999 then now() - interval '1 hour' else created_at + interval '30 days' end
    from (
      select g, h, created_at,
        case when floor(g * ${heavy}::float8 / ${total}) > floor((g - 1) * ${heavy}::float8 / ${total}) then ${heavyId} else ${otherFirst} + (h / 7) % ${others} end as recipient_id,
        t.type, t.title, t.type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') as resolvable,
        (${array(PRIORITIES)})[1 + (h / 100000) % ${PRIORITIES.length}] as priority,
        (${array(NAMES)})[1 + (h / 13) % ${NAMES.length}] || ' · "' || (${array(GOALS)})[1 + (h / 17) % ${GOALS.length}] || '"' as message,
        jsonb_build_object('goalId', 1 + h % 50000) as data,
        '/goals/' || (1 + h % 50000) as link
      from generate_series(${from}::bigint, ${to}::bigint) as g
      cross join lateral (select (g * 2654435761) % 4294967291 as h) as hashed
      cross join lateral (select now() - make_interval(secs => (${total} - g) * 2160000.0 / ${total}) as created_at) as created
      cross join lateral (
        select (${array(TYPES)})[1 + (h / 1000000) % ${TYPES.length}] as type, (${array(TYPES.map((t) => TITLES[t]))})[1 + (h / 1000000) % ${TYPES.length}] as title
      ) as t
    ) as rows
    order by g`.execute(db);
}

/**
 * Loads the plan chunk by chunk; `progress` hears after each. The secondary indexes are dropped
 * first and built again from their own definitions afterwards (a sorted build is many times faster
 * than inserting 10 million entries into each of a dozen indexes); the primary key stays, and the
 * counts triggers run as in production.
 */
export async function loadNotifications(db: DB, plan: LoadPlan, progress: (loaded: number) => void): Promise<void> {
  await db.connection().execute(async (connection) => {
    const { rows: indexes } = await sql<{ name: string; definition: string }>`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename = 'notifications' and indexname <> 'notifications_pkey'`.execute(connection);
    for (const { name } of indexes) await sql`drop index ${sql.id(name)}`.execute(connection);
    for (let from = 1; from <= plan.total; from += plan.chunk) {
      const to = Math.min(plan.total, from + plan.chunk - 1);
      await insertChunk(connection, plan, from, to);
      progress(to);
    }
    await sql`set maintenance_work_mem = '256MB'`.execute(connection);
    for (const { definition } of indexes) await sql.raw(definition).execute(connection);
    await sql`vacuum analyze notifications`.execute(connection);
  });
  // What the server's fold does within seconds: one row per key, as stats find them in production.
  await foldAllCounts(db);
  await sql`vacuum analyze notification_counts`.execute(db);
  // And what its report rollup does within a minute (days the load marked): otherwise the server
  // would spend the timed calls recomputing them over the whole load, which no running system does.
  await refreshReports(db);
}
