/**
 * A few weeks of plausible history for the demo organisation, so the report screens have
 * something to show on a fresh start: notifications sent and mostly read (requests resolved),
 * goals submitted and approved or rejected, assigned and accepted or declined, some completed,
 * two still waiting. Backdated over the 6 weeks before today; deterministic; added once (skipped
 * when the demo users already have older history). Only `npm start` and `db:seed` add it: tests
 * seed the demo organisation without it. The reports' rollup job takes the new days at start.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, DB } from './index.js';

const GOALS = [
  'Automate the weekly metrics report', 'Reduce build time below five minutes', 'Run three customer interviews',
  'Document the onboarding checklist', 'Pair with support for a week', 'Write the API style guide',
  'Cut open bugs in half', 'Present at the engineering all-hands', 'Migrate the dashboard charts',
  'Finish the accessibility audit', 'Mentor the new designer', 'Ship the export to CSV',
];

type Step = { action: string; to: string; actor: 'owner' | 'supervisor'; afterHours: number };

/** Each demo goal's story, by index: how it went from creation on. */
function story(k: number): { assigned: boolean; steps: Step[] } {
  const wait = [3, 20, 50, 6, 90, 30][k % 6]!;
  if (k % 3 === 2) {
    const answer = k % 4 === 0 ? 'decline' : 'accept';
    return { assigned: true, steps: [{ action: answer, to: answer === 'accept' ? 'ACTIVE' : 'DECLINED', actor: 'owner', afterHours: wait }] };
  }
  const decision = k % 5 === 4 ? 'reject' : 'approve';
  const steps: Step[] = [{ action: decision, to: decision === 'approve' ? 'ACTIVE' : 'REJECTED', actor: 'supervisor', afterHours: wait }];
  if (decision === 'approve' && k % 2 === 0) steps.push({ action: 'complete', to: 'COMPLETED', actor: 'owner', afterHours: wait + 24 * 10 });
  return { assigned: false, steps };
}

async function seedGoals(trx: Kysely<Database>, people: Array<{ id: number; supervisorId: number }>, now: number) {
  const HOUR = 3_600_000;
  const stories = [...GOALS.map((title, k) => ({ title, k, ...story(k) })), { title: 'Plan the team offsite', k: 12, assigned: false, steps: [] }, { title: 'Learn the new billing system', k: 13, assigned: true, steps: [] }];
  for (const { title, k, assigned, steps } of stories) {
    const person = people[k % people.length]!;
    // Spread over six weeks; the two still waiting were created 2 and 9 days ago.
    const created = k === 12 ? now - 48 * HOUR : k === 13 ? now - 9 * 24 * HOUR : now - (40 - k * 3) * 24 * HOUR;
    const decisive = steps.filter((step) => created + step.afterHours * HOUR < now);
    const first = assigned ? 'PENDING_ACCEPTANCE' : 'PENDING_APPROVAL';
    const status = decisive.at(-1)?.to ?? first;
    const at = (hours: number) => new Date(created + hours * HOUR);
    const { id } = await trx
      .insertInto('goals')
      .values({
        title, description: 'From the demo history', type: 'INDIVIDUAL', year: new Date(created).getUTCFullYear(), quarter: null,
        owner_id: person.id, creator_id: assigned ? person.supervisorId : person.id, status: status as 'ACTIVE',
        progress: status === 'COMPLETED' ? 100 : 0, created_at: at(0), updated_at: at(decisive.at(-1)?.afterHours ?? 0),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let from: string | null = null;
    for (const step of [{ action: assigned ? 'assign' : 'create', to: first, actor: assigned ? 'supervisor' : 'owner', afterHours: 0 }, ...decisive]) {
      await trx
        .insertInto('goal_history')
        .values({
          goal_id: id, actor_id: step.actor === 'owner' ? person.id : person.supervisorId, action: step.action,
          from_status: from as 'ACTIVE' | null, to_status: step.to as 'ACTIVE', created_at: at(step.afterHours),
        })
        .execute();
      from = step.to;
    }
  }
}

/**
 * Notifications: each demo person gets 2-5 a day over the 42 days before today; 85% read after
 * minutes to a day; requests (submissions for supervisors, assignments for the others) mostly
 * resolved within hours. They expire as notifications do (30 days), so the inbox keeps only recent ones.
 */
async function seedNotifications(trx: Kysely<Database>) {
  await sql`
    with people as (select id, exists (select 1 from users r where r.supervisor_id = u.id) as supervises from users u where email like '%@demo.pms'),
    rows as (
      select p.id as recipient_id, p.supervises, d, n, (abs(hashtext(p.id || ':' || d || ':' || n)) % 1000000) as h
      from people p cross join generate_series(1, 42) as d cross join generate_series(1, 5) as n
    ),
    sent as (
      select recipient_id, h, n,
        case when supervises and h % 3 = 0 then 'GOAL_SUBMITTED' when not supervises and h % 5 = 0 then 'GOAL_ASSIGNED'
          else (array['GOAL_APPROVED', 'GOAL_PROGRESS_UPDATED', 'GOAL_COMPLETED', 'GOAL_DUE_SOON', 'GOAL_ACCEPTED', 'REVIEW_DUE'])[1 + h % 6] end as type,
        date_trunc('day', now()) - make_interval(days => d) + make_interval(mins => 480 + (h / 7) % 600) as created_at
      from rows where n <= 2 + h % 4
    )
    insert into notifications (recipient_id, type, priority, title, message, created_at, expires_at, seen_at, read_at, request_key, resolved_at, resolution)
    select recipient_id, type, case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') then 'HIGH' else 'NORMAL' end,
      initcap(replace(lower(type), '_', ' ')), 'From the demo history', created_at, created_at + interval '30 days',
      case when h % 20 < 17 then created_at + make_interval(mins => 1 + (h / 11) % 60) end,
      case when h % 20 < 17 then created_at + make_interval(secs => 60 * power(2, (h / 13) % 11)) end,
      case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') then 'demo-history:' || recipient_id || ':' || created_at::text || ':' || n end,
      case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') and h % 10 < 8 then created_at + make_interval(mins => 20 * (1 + (h / 17) % 40)) end,
      case when type in ('GOAL_SUBMITTED', 'GOAL_ASSIGNED') and h % 10 < 8 then jsonb_build_object(
        'outcome', case when type = 'GOAL_SUBMITTED' then (array['APPROVED', 'APPROVED', 'APPROVED', 'REJECTED'])[1 + (h / 19) % 4]
                        else (array['ACCEPTED', 'ACCEPTED', 'DECLINED'])[1 + (h / 19) % 3] end,
        'byId', recipient_id, 'byName', 'Demo', 'reason', null) end
    from sent`.execute(trx);
}

/** Adds the history once; returns whether it did. */
export async function seedDemoHistory(db: DB): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: number; supervisorId: number }>`
      select id, supervisor_id as "supervisorId" from users where email like '%@demo.pms' and supervisor_id is not null order by id`.execute(trx);
    const old = await trx.selectFrom('goal_history').select('id').where('created_at', '<', sql<Date>`now() - interval '1 day'`).limit(1).executeTakeFirst();
    if (rows.length === 0 || old) return false;
    await seedGoals(trx, rows, Date.now());
    await seedNotifications(trx);
    return true;
  });
}
