/** A data set for the reports with known values: backdated rows inserted directly (2025), for reports.*.test.ts. */
import { sql } from 'kysely';
import type { DB } from '@pms/db';

/**
 * `count` notifications over the demo users, created from 2025-02-26 over 40 days (so around
 * March 2025), with types, reads, requests and resolutions in fixed mixes; `seed` varies them.
 */
export async function insertNotifications(db: DB, count: number, seed = 0): Promise<void> {
  await sql`
    with users as (select array_agg(id order by id) as ids from users),
    raw as (
      select i, (select ids[1 + (i + ${seed}) % array_length(ids, 1)] from users) as recipient_id,
             (array['GOAL_SUBMITTED', 'GOAL_ASSIGNED', 'GOAL_APPROVED', 'GOAL_DUE_SOON'])[1 + (i * 7 + ${seed}) % 4] as type,
             '2025-02-26T00:00:00Z'::timestamptz + ((i * 7919 + ${seed}) % (40 * 86400)) * interval '1 second' as created_at
      from generate_series(1, ${count}) as i
    )
    insert into notifications (recipient_id, type, priority, title, message, created_at, expires_at, read_at, request_key, resolved_at, resolution)
    select recipient_id, type, 'NORMAL', 'Report data ' || i, 'A backdated notification', created_at, created_at + interval '400 days',
           case when i % 3 <> 0 then created_at + ((i * 104729) % 500000) * interval '1 second' end,
           case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') then 'report:' || ${seed} || ':' || i end,
           case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') and i % 4 <> 0 then created_at + ((i * 7907) % 900000) * interval '1 second' end,
           case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') and i % 4 <> 0 then jsonb_build_object(
             'outcome', (array['APPROVED', 'REJECTED', 'ACCEPTED', 'DECLINED', 'CANCELLED'])[1 + i % 5], 'byId', 1, 'byName', 'Ada Admin', 'reason', null) end
    from raw`.execute(db);
}

/** The notification figures computed from `table` (a copy of the data), exactly: what the reports must match. */
export async function expectedNotificationFigures(db: DB, table: string, range: { from: string; to: string }, recipients: number[] | null) {
  const where = sql`created_at >= (${range.from}::date)::timestamp at time zone 'UTC' and created_at < (${range.to}::date + 1)::timestamp at time zone 'UTC'
    and (${recipients === null} or recipient_id = any(${recipients ?? []}::int[]))`;
  const from = sql.table(table);
  const seconds = (column: string) => sql`extract(epoch from ${sql.ref(column)} - created_at)`;
  const sent = await sql<{ day: string; type: string; sent: number }>`
    select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, type, count(*)::int as sent
    from ${from} where ${where} group by 1, 2 order by 1, 2`.execute(db);
  const reads = await sql<{ type: string; sent: number; read: number; median: number | null; p90: number | null }>`
    select type, count(*)::int as sent, count(read_at)::int as read,
           percentile_disc(0.5) within group (order by ${seconds('read_at')}) filter (where read_at is not null) as median,
           percentile_disc(0.9) within group (order by ${seconds('read_at')}) filter (where read_at is not null) as p90
    from ${from} where ${where} group by type order by type`.execute(db);
  const actions = await sql<{ type: string; asked: number; resolved: number; median: number | null; p90: number | null }>`
    select type, count(*)::int as asked, count(resolved_at)::int as resolved,
           percentile_disc(0.5) within group (order by ${seconds('resolved_at')}) filter (where resolved_at is not null) as median,
           percentile_disc(0.9) within group (order by ${seconds('resolved_at')}) filter (where resolved_at is not null) as p90
    from ${from} where ${where} and request_key is not null group by type order by type`.execute(db);
  const outcomes = await sql<{ type: string; outcome: string; count: number }>`
    select type, resolution->>'outcome' as outcome, count(*)::int as count
    from ${from} where ${where} and request_key is not null and resolved_at is not null group by 1, 2`.execute(db);
  return { sent: sent.rows, reads: reads.rows, actions: actions.rows, outcomes: outcomes.rows };
}
