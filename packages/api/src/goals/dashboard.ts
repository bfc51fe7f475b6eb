/**
 * The team dashboard: the caller's direct reports, each with their goals at a glance, and the
 * oldest decisions pending between them (approvals waiting on the caller, acceptances waiting on
 * the report). Everything is counted in SQL, over the caller's reports only. The two statements
 * read one snapshot (repeatable read), so a report's pending count and the pending list agree.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import type { teamDashboardInput } from '@pms/shared';
import type { z } from 'zod';
import type { Viewer } from './access.js';
import { localToday, zoneOf } from './reminders.js';

/** The statuses that wait for a decision, and whose: the approver's (the caller) or the owner's. */
const PENDING = { PENDING_APPROVAL: 'approval', PENDING_ACCEPTANCE: 'acceptance' } as const;

/** Where a goal's work is over: never overdue. */
const FINISHED = ['COMPLETED', 'CANCELLED'] as const;

/**
 * The pending goals of the caller's reports, with the moment each started waiting: the latest step
 * that brought the goal into its status (an edit while pending leaves it waiting since before).
 */
function pendingGoals(db: Kysely<Database>, viewer: Viewer) {
  return db
    .selectFrom('goals')
    .innerJoin('users as owner', 'owner.id', 'goals.owner_id')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('goal_history as h')
          .select('h.created_at as since')
          .whereRef('h.goal_id', '=', 'goals.id')
          .whereRef('h.to_status', '=', 'goals.status')
          .where(sql<boolean>`h.from_status is distinct from h.to_status`)
          .orderBy('h.id', 'desc')
          .limit(1)
          .as('entered'),
      (join) => join.onTrue(),
    )
    .where('owner.supervisor_id', '=', viewer.id)
    .where('owner.active', '=', true)
    .where('goals.status', 'in', Object.keys(PENDING) as Array<keyof typeof PENDING>);
}

export async function teamDashboard(db: Kysely<Database>, viewer: Viewer, input: z.output<typeof teamDashboardInput>) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      // Midnight starting this quarter where the caller is, as a moment: "completed this quarter" is theirs.
      const quarterStart = sql<Date>`date_trunc('quarter', now() at time zone ${zoneOf(viewer.id)}) at time zone ${zoneOf(viewer.id)}`;
      const reports = await trx
        .with('pending', () => pendingGoals(trx, viewer).select(['goals.owner_id', 'goals.status', 'entered.since']))
        .with('quarter', (qc) => qc.selectNoFrom(quarterStart.as('start')))
        .selectFrom('users as u')
        .crossJoin('quarter')
        // The goals that count: all but the cancelled, and the completed of earlier quarters.
        .leftJoin('goals as g', (join) =>
          join
            .onRef('g.owner_id', '=', 'u.id')
            .on((eb) =>
              eb.or([
                eb('g.status', 'in', ['ACTIVE', 'PENDING_APPROVAL', 'PENDING_ACCEPTANCE', 'REJECTED', 'DECLINED']),
                eb.and([eb('g.status', '=', 'COMPLETED'), eb('g.updated_at', '>=', eb.ref('quarter.start'))]),
              ]),
            ),
        )
        .select((eb) => [
          'u.id',
          'u.name',
          'u.email',
          sql<number>`count(g.id) filter (where g.status = 'ACTIVE')::int`.as('active'),
          sql<number>`count(g.id) filter (where g.status = 'PENDING_APPROVAL')::int`.as('awaitingYou'),
          sql<number>`count(g.id) filter (where g.status = 'PENDING_ACCEPTANCE')::int`.as('awaitingThem'),
          sql<number>`count(g.id) filter (where g.status not in (${sql.join(FINISHED.map((s) => sql.lit(s)))}) and g.due_date < ${localToday(sql.ref<number>('u.id'))})::int`.as(
            'overdue',
          ),
          // A completed goal changes no more: its last update is its completion.
          sql<number>`count(g.id) filter (where g.status = 'COMPLETED')::int`.as('completedThisQuarter'),
          sql<number | null>`round(avg(g.progress) filter (where g.status = 'ACTIVE'))::int`.as('averageProgress'),
          eb
            .selectFrom('pending')
            .select(sql<Date | null>`min(pending.since)`.as('oldest'))
            .whereRef('pending.owner_id', '=', 'u.id')
            .where('pending.status', '=', 'PENDING_APPROVAL')
            .as('oldestAwaitingYou'),
          eb
            .selectFrom('pending')
            .select(sql<Date | null>`min(pending.since)`.as('oldest'))
            .whereRef('pending.owner_id', '=', 'u.id')
            .where('pending.status', '=', 'PENDING_ACCEPTANCE')
            .as('oldestAwaitingThem'),
        ])
        .where('u.supervisor_id', '=', viewer.id)
        .where('u.active', '=', true)
        .groupBy(['u.id', 'quarter.start'])
        .orderBy('u.name')
        .orderBy('u.id')
        .execute();

      const pending = await pendingGoals(trx, viewer)
        .select(['goals.id as goalId', 'goals.title', 'goals.status', 'owner.id as ownerId', 'owner.name as ownerName', 'entered.since'])
        .orderBy('entered.since')
        .orderBy('goals.id')
        .limit(input.pendingLimit)
        .execute();

      return {
        reports: reports.map(({ oldestAwaitingYou, oldestAwaitingThem, awaitingYou, awaitingThem, ...report }) => ({
          ...report,
          awaitingYou: { count: awaitingYou, oldestSince: oldestAwaitingYou },
          awaitingThem: { count: awaitingThem, oldestSince: oldestAwaitingThem },
        })),
        pending: pending.map(({ goalId, title, status, ownerId, ownerName, since }) => ({
          goalId,
          title,
          kind: PENDING[status as keyof typeof PENDING],
          owner: { id: ownerId, name: ownerName },
          since,
        })),
        pendingTotal: reports.reduce((sum, report) => sum + report.awaitingYou + report.awaitingThem, 0),
      };
    });
}
