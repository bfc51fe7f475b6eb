/**
 * bench:reports's data: an org tree of `users` people (8 reports per supervisor, breadth first:
 * five levels for 10,000), `total` notifications over the last `days` days, and `goals` goals with
 * their history, loaded with INSERT ... SELECT over generate_series in chunks (as inbox-load.ts),
 * through the production triggers, the secondary indexes built afterwards. A hash h of the row
 * number picks: the recipient, the type, 60% read after 2^(h mod 20) seconds or so, requests
 * (GOAL_SUBMITTED, GOAL_ASSIGNED) 70% resolved with an outcome.
 */
import { sql } from 'kysely';
import { BuiltInNotificationType } from '@pms/shared';
import { foldAllCounts } from '@pms/api';
import type { DB } from '@pms/db';

const TYPES = BuiltInNotificationType.options;
const OUTCOMES = ['APPROVED', 'REJECTED', 'ACCEPTED', 'DECLINED', 'CANCELLED'];
const array = (values: readonly string[]) => sql`${sql.val(values)}::text[]`;

/** Makes `ids` (sorted) a tree: ids[i] reports to ids[floor((i - 1) / 8)]. */
export async function shapeOrgTree(db: DB, ids: number[]): Promise<void> {
  await sql`
    update users u set supervisor_id = t.supervisor_id
    from (select id, (${ids}::int[])[1 + (n - 2) / 8] as supervisor_id from unnest(${ids}::int[]) with ordinality as x(id, n) where n > 1) as t
    where u.id = t.id`.execute(db);
}

async function insertNotifications(db: DB, ids: number[], total: number, days: number, from: number, to: number) {
  await sql`
    insert into notifications (recipient_id, type, priority, title, message, read_at, seen_at, request_key, resolved_at, resolution, created_at, expires_at)
    select recipient_id, type, 'NORMAL', 'Bench notification', 'A notification for the reports bench',
      case when h % 10 < 6 then created_at + make_interval(secs => power(2, (h / 10) % 20) * (1 + (h / 200) % 100) / 50.0) end,
      case when h % 10 < 8 then created_at + interval '1 minute' end,
      case when resolvable then 'bench:' || g end,
      case when resolvable and (h / 1000) % 10 < 7 then created_at + make_interval(secs => power(2, (h / 10000) % 18) * 60) end,
      case when resolvable and (h / 1000) % 10 < 7 then jsonb_build_object('outcome', (${array(OUTCOMES)})[1 + (h / 100) % 5], 'byId', 1, 'byName', 'Bench', 'reason', null) end,
      created_at, created_at + interval '400 days'
    from (
      select g, h, (${ids}::int[])[1 + (h / 7) % ${ids.length}] as recipient_id,
        (${array(TYPES)})[1 + (h / 1000000) % ${TYPES.length}] as type,
        (${array(TYPES)})[1 + (h / 1000000) % ${TYPES.length}] in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') as resolvable,
        now() - make_interval(secs => (${total} - g) * ${days * 86400}::float8 / ${total}) as created_at
      from generate_series(${from}::bigint, ${to}::bigint) as g
      cross join lateral (select (g * 2654435761) % 4294967291 as h) as hashed
    ) as rows
    order by g`.execute(db);
}

/** Loads the notifications chunk by chunk, dropping and rebuilding the secondary indexes around it. */
export async function loadNotifications(db: DB, ids: number[], total: number, days: number, chunk: number, progress: (loaded: number) => void) {
  await db.connection().execute(async (connection) => {
    const { rows: indexes } = await sql<{ name: string; definition: string }>`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename = 'notifications' and indexname <> 'notifications_pkey'`.execute(connection);
    for (const { name } of indexes) await sql`drop index ${sql.id(name)}`.execute(connection);
    for (let from = 1; from <= total; from += chunk) {
      const to = Math.min(total, from + chunk - 1);
      await insertNotifications(connection as DB, ids, total, days, from, to);
      progress(to);
    }
    await sql`set maintenance_work_mem = '256MB'`.execute(connection);
    for (const { definition } of indexes) await sql.raw(definition).execute(connection);
    await sql`vacuum analyze notifications`.execute(connection);
  });
  // What the server's fold does within seconds: otherwise its fold of 10 million deltas runs (and
  // times out, again and again) while the reports are timed.
  await foldAllCounts(db);
  await sql`vacuum analyze notification_counts`.execute(db);
}

/**
 * `total` goals over the last `days` days, with their history: 60% submitted for approval
 * (decided after 2^(h mod 17) minutes: 80% approved; 5% still pending), 40% assigned (half
 * accepted, a quarter declined, the rest open); of the goals in force, 40% completed.
 */
export async function loadGoals(db: DB, ids: number[], total: number, days: number): Promise<void> {
  await sql`
    create unlogged table bench_goals as
    select g, h, (${ids}::int[])[1 + (h / 7) % ${ids.length}] as owner_id,
      now() - make_interval(secs => (${total} - g) * ${days * 86400}::float8 / ${total}) as created_at,
      h % 10 < 6 as submitted, make_interval(secs => power(2, (h / 10) % 17) * 60) as wait, (h / 100) % 20 as fate
    from generate_series(1, ${total}) as g cross join lateral (select (g * 2654435761) % 4294967291 as h) as hashed`.execute(db);
  await sql`
    alter table bench_goals add column status text;
    update bench_goals set status = case
      when submitted and fate = 0 then 'PENDING_APPROVAL' when submitted and fate < 4 then 'REJECTED'
      when not submitted and fate < 5 then 'PENDING_ACCEPTANCE' when not submitted and fate < 10 then 'DECLINED'
      when fate % 5 < 2 then 'COMPLETED' else 'ACTIVE' end;
    alter table bench_goals add column id integer`.execute(db);
  await sql`
    with inserted as (
      insert into goals (title, description, type, year, quarter, owner_id, creator_id, status, created_at, updated_at)
      select 'Bench goal ' || g, '', case when h % 3 = 0 then 'QUARTERLY' else 'INDIVIDUAL' end,
        extract(year from created_at)::int, case when h % 3 = 0 then extract(quarter from created_at)::int end,
        owner_id, owner_id, status, created_at, created_at
      from bench_goals order by g
      returning id, title)
    update bench_goals b set id = i.id from inserted i where i.title = 'Bench goal ' || b.g`.execute(db);
  await sql`
    insert into goal_history (goal_id, actor_id, action, from_status, to_status, created_at)
    -- As the app logs them: created awaiting approval ('create'), or assigned by a supervisor ('assign').
    select id, owner_id, case when submitted then 'create' else 'assign' end, null,
      case when submitted then 'PENDING_APPROVAL' else 'PENDING_ACCEPTANCE' end, created_at from bench_goals
    union all
    select id, owner_id, case when submitted and status = 'REJECTED' then 'reject' when submitted then 'approve'
        when status = 'DECLINED' then 'decline' else 'accept' end,
      case when submitted then 'PENDING_APPROVAL' else 'PENDING_ACCEPTANCE' end,
      case when status in ('REJECTED', 'DECLINED') then status else 'ACTIVE' end, created_at + wait
    from bench_goals where status not in ('PENDING_APPROVAL', 'PENDING_ACCEPTANCE')
    union all
    select id, owner_id, 'complete', 'ACTIVE', 'COMPLETED', created_at + wait * 2 from bench_goals where status = 'COMPLETED'`.execute(db);
  await sql`drop table bench_goals`.execute(db);
  await sql`vacuum analyze goals`.execute(db);
  await sql`vacuum analyze goal_history`.execute(db);
}
