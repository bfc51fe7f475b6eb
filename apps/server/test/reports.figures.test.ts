/**
 * The reports' figures against an independent computation over a data set with known values
 * (backdated rows inserted directly): notification counts exactly and percentiles within the
 * histogram's bound (also after notifications are changed and deleted), goal figures exactly.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { refreshReports, REPORT_PERCENTILE_RELATIVE_ERROR } from '@pms/api';
import { useDemoServer } from './support/goals.js';
import { expectedNotificationFigures, insertNotifications } from './support/reports.js';

const { server, people } = useDemoServer();
const ranges = { '30 days': { from: '2025-03-01', to: '2025-03-30' }, '90 days': { from: '2025-01-01', to: '2025-03-31' } };

/** Within the histogram's bound of the exact figure (plus rounding to whole seconds). */
function expectNear(actual: number | null, exact: number | null) {
  if (exact === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact * REPORT_PERCENTILE_RELATIVE_ERROR + 1);
}

describe('reports: notification figures', () => {
  it('equal an exact computation, at every scope and range, after changes and deletes', async () => {
    const { db } = server;
    await insertNotifications(db, 4000);
    expect(await refreshReports(db)).not.toHaveLength(0);
    // Changes after a run: more read, some requests resolved; then some deleted (they still count).
    await sql`update notifications set read_at = created_at + interval '5 minutes' where read_at is null and id % 7 = 0 and title like 'Report data%'`.execute(db);
    await sql`update notifications set resolved_at = created_at + interval '2 hours', resolution = '{"outcome": "APPROVED"}'
      where request_key like 'report:%' and resolved_at is null and id % 2 = 0`.execute(db);
    await sql`create table figures_copy as select * from notifications where created_at < '2026-01-01'`.execute(db);
    await sql`delete from notifications where id % 11 = 0 and title like 'Report data%'`.execute(db);
    expect(await refreshReports(db)).not.toHaveLength(0);

    const { admin, sam, alice, bob } = people;
    for (const [teamId, recipients] of [[undefined, null], [sam.id, [alice.id, bob.id]]] as const) {
      for (const range of Object.values(ranges)) {
        const input = { ...range, teamId };
        const exact = await expectedNotificationFigures(db, 'figures_copy', range, recipients ? [...recipients] : null);
        expect(exact.sent.length).toBeGreaterThan(10);

        expect((await admin.api.reports.notificationsSent.query(input)).rows).toEqual(exact.sent);

        const reads = (await admin.api.reports.notificationReads.query(input)).rows;
        expect(reads.map(({ type, sent, read, readRate }) => ({ type, sent, read, readRate }))).toEqual(
          exact.reads.map(({ type, sent, read }) => ({ type, sent, read, readRate: read / sent })),
        );
        reads.forEach((row, i) => {
          expectNear(row.medianSeconds, exact.reads[i]!.median);
          expectNear(row.p90Seconds, exact.reads[i]!.p90);
        });

        const actions = (await admin.api.reports.actionsResolved.query(input)).rows;
        expect(actions.map(({ type, asked, resolved, outcomes }) => ({ type, asked, resolved, outcomes }))).toEqual(
          exact.actions.map(({ type, asked, resolved }) => ({
            type,
            asked,
            resolved,
            outcomes: Object.fromEntries(exact.outcomes.filter((o) => o.type === type).map((o) => [o.outcome, o.count])),
          })),
        );
        actions.forEach((row, i) => {
          expectNear(row.medianSeconds, exact.actions[i]!.median);
          expectNear(row.p90Seconds, exact.actions[i]!.p90);
        });
      }
    }
    // A supervisor's own call answers their team's figures, the same as an administrator's for it.
    const range = ranges['30 days'];
    expect(await sam.api.reports.notificationReads.query(range)).toEqual(await admin.api.reports.notificationReads.query({ ...range, teamId: sam.id }));
  });
});

const HOUR = 3600;
const DAY = 24 * HOUR;
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

interface Step {
  action: string;
  to: string;
  at: Date;
}

/** A goal with its history, inserted as the goals API stores them (backdated). */
async function goal(ownerId: number, type: string, status: string, steps: Step[], period: { year: number; quarter?: number; dueDate?: string } = { year: 2025 }) {
  const { db } = server;
  const { id } = await db
    .insertInto('goals')
    .values({
      title: `Report goal ${status}`,
      description: '',
      type: type as 'INDIVIDUAL',
      year: period.year,
      quarter: period.quarter ?? null,
      due_date: period.dueDate ?? null,
      owner_id: ownerId,
      creator_id: ownerId,
      status: status as 'ACTIVE',
      created_at: steps[0]!.at,
      updated_at: steps.at(-1)!.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let from: string | null = null;
  for (const step of steps) {
    await db
      .insertInto('goal_history')
      .values({ goal_id: id, actor_id: ownerId, action: step.action, from_status: from as 'ACTIVE' | null, to_status: step.to as 'ACTIVE', created_at: step.at })
      .execute();
    from = step.to;
  }
}

/** percentile_disc: the first value whose cumulative share reaches p. */
const percentileDisc = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
};

describe('reports: goal figures', () => {
  it('approval turnaround, responses, pending decisions and completion equal the known values', async () => {
    const { admin, sam, alice, bob, carol, dave } = people;
    const owners = [alice.id, bob.id, carol.id, dave.id];
    // Decisions: 24 goals submitted from 2025-02-24 on, decided after (k + 1) hours x (k % 3 + 1); one in three rejected.
    const decisions: Array<{ owner: number; at: Date; seconds: number; action: string }> = [];
    for (let k = 0; k < 24; k++) {
      const submitted = at('2025-02-24T09:00:00Z', k * 2 * DAY);
      const seconds = (k + 1) * HOUR * ((k % 3) + 1);
      const action = k % 3 === 0 ? 'reject' : 'approve';
      const decided = at(submitted.toISOString(), seconds);
      const owner = owners[k % 4]!;
      await goal(owner, 'INDIVIDUAL', action === 'reject' ? 'REJECTED' : 'ACTIVE', [
        { action: 'create', to: 'PENDING_APPROVAL', at: submitted },
        { action, to: action === 'reject' ? 'REJECTED' : 'ACTIVE', at: decided },
      ]);
      decisions.push({ owner, at: decided, seconds, action });
    }
    // Rejected, resubmitted, approved: each decision timed from the submission before it.
    await goal(alice.id, 'INDIVIDUAL', 'ACTIVE', [
      { action: 'create', to: 'PENDING_APPROVAL', at: at('2025-03-03T10:00:00Z') },
      { action: 'reject', to: 'REJECTED', at: at('2025-03-04T10:00:00Z') },
      { action: 'submit', to: 'PENDING_APPROVAL', at: at('2025-03-10T10:00:00Z') },
      { action: 'approve', to: 'ACTIVE', at: at('2025-03-12T10:00:00Z') },
    ]);
    decisions.push({ owner: alice.id, at: at('2025-03-04T10:00:00Z'), seconds: DAY, action: 'reject' });
    decisions.push({ owner: alice.id, at: at('2025-03-12T10:00:00Z'), seconds: 2 * DAY, action: 'approve' });

    // Assigned: ten in March 2025 (accepted, declined, open in turn), one in February.
    const assigned: Array<{ owner: number; answer: 'accept' | 'decline' | null; at: Date }> = [];
    for (let k = 0; k < 11; k++) {
      const when = k === 10 ? at('2025-02-10T12:00:00Z') : at('2025-03-02T12:00:00Z', k * DAY);
      const answer = (['accept', 'decline', null] as const)[k % 3]!;
      const owner = owners[k % 4]!;
      const steps = [{ action: 'assign', to: 'PENDING_ACCEPTANCE', at: when }];
      if (answer) steps.push({ action: answer, to: answer === 'accept' ? 'ACTIVE' : 'DECLINED', at: at(when.toISOString(), HOUR) });
      await goal(owner, 'INDIVIDUAL', answer === 'accept' ? 'ACTIVE' : answer === 'decline' ? 'DECLINED' : 'PENDING_ACCEPTANCE', steps);
      assigned.push({ owner, answer, at: when });
    }

    // Pending now: approval waiting 2 h, 2 days, 10 days, 20 days; acceptance waiting 5 days (plus the open assigned ones above).
    const now = Date.now();
    for (const [k, waited] of [2 * HOUR, 2 * DAY, 10 * DAY, 20 * DAY].entries()) {
      await goal(owners[k]!, 'INDIVIDUAL', 'PENDING_APPROVAL', [{ action: 'create', to: 'PENDING_APPROVAL', at: new Date(now - waited * 1000) }]);
    }
    await goal(bob.id, 'INDIVIDUAL', 'PENDING_ACCEPTANCE', [{ action: 'assign', to: 'PENDING_ACCEPTANCE', at: new Date(now - 5 * DAY * 1000) }]);

    // Completion in 2025-Q1: quarterly goals, individual ones due in the quarter, and others outside it.
    const t0 = at('2025-01-05T00:00:00Z');
    const completion = [
      { owner: alice.id, type: 'QUARTERLY', status: 'COMPLETED', period: { year: 2025, quarter: 1 } },
      { owner: bob.id, type: 'QUARTERLY', status: 'ACTIVE', period: { year: 2025, quarter: 1 } },
      { owner: carol.id, type: 'INDIVIDUAL', status: 'COMPLETED', period: { year: 2025, dueDate: '2025-02-15' } },
      { owner: alice.id, type: 'INDIVIDUAL', status: 'COMPLETED', period: { year: 2025, dueDate: '2025-03-31' } },
      { owner: dave.id, type: 'QUARTERLY', status: 'COMPLETED', period: { year: 2025, quarter: 2 } },
      { owner: alice.id, type: 'INDIVIDUAL', status: 'CANCELLED', period: { year: 2025, dueDate: '2025-03-01' } },
    ];
    for (const { owner, type, status, period } of completion) await goal(owner, type, status, [{ action: 'create', to: status, at: t0 }], period);

    const range = ranges['30 days'];
    const start = Date.parse(`${range.from}T00:00:00Z`);
    const end = Date.parse(`${range.to}T00:00:00Z`) + DAY * 1000;
    for (const [teamId, members] of [[undefined, owners], [sam.id, [alice.id, bob.id]]] as const) {
      const input = { ...range, teamId };
      const inScope = (owner: number) => (members as readonly number[]).includes(owner);

      const decided = decisions.filter((d) => inScope(d.owner) && d.at.getTime() >= start && d.at.getTime() < end);
      const mondayOf = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7))).toISOString().slice(0, 10);
      const weeks = [...new Set(decided.map((d) => mondayOf(d.at)))].sort().map((week) => {
        const inWeek = decided.filter((d) => mondayOf(d.at) === week);
        return { week, decided: inWeek.length, medianSeconds: percentileDisc(inWeek.map((d) => d.seconds), 0.5) };
      });
      expect(await admin.api.reports.approvalTurnaround.query(input)).toEqual({
        decided: decided.length,
        approved: decided.filter((d) => d.action === 'approve').length,
        rejected: decided.filter((d) => d.action === 'reject').length,
        medianSeconds: percentileDisc(decided.map((d) => d.seconds), 0.5),
        p90Seconds: percentileDisc(decided.map((d) => d.seconds), 0.9),
        weeks,
      });

      const inRange = assigned.filter((a) => inScope(a.owner) && a.at.getTime() >= start && a.at.getTime() < end);
      const accepted = inRange.filter((a) => a.answer === 'accept').length;
      const declined = inRange.filter((a) => a.answer === 'decline').length;
      expect(await admin.api.reports.goalResponses.query(input)).toEqual({
        assigned: inRange.length,
        accepted,
        declined,
        open: inRange.length - accepted - declined,
        acceptanceRate: accepted / inRange.length,
        declineRate: declined / inRange.length,
      });

      const q1 = completion.filter((g) => inScope(g.owner) && ['ACTIVE', 'COMPLETED'].includes(g.status) && !(g.period.quarter === 2));
      const types = [...new Set(q1.map((g) => g.type))].sort();
      expect((await admin.api.reports.goalCompletion.query({ from: '2025-01-01', to: '2025-03-31', teamId })).rows).toEqual(
        types.map((type) => {
          const goals = q1.filter((g) => g.type === type);
          const completed = goals.filter((g) => g.status === 'COMPLETED').length;
          return { quarter: '2025-Q1', type, goals: goals.length, completed, completionRate: completed / goals.length };
        }),
      );
    }

    const pending = await admin.api.reports.pendingDecisions.query(ranges['30 days']);
    // The open assigned goals (March 2025: over 2 weeks) and the ones waiting now.
    const openAssigned = assigned.filter((a) => a.answer === null).length;
    expect(pending.rows).toEqual([
      { age: 'under 1 day', approval: 1, acceptance: 0 },
      { age: '1–3 days', approval: 1, acceptance: 0 },
      { age: '3–7 days', approval: 0, acceptance: 1 },
      { age: '1–2 weeks', approval: 1, acceptance: 0 },
      { age: 'over 2 weeks', approval: 1, acceptance: openAssigned },
    ]);
    const oldest = Math.min(...assigned.filter((a) => a.answer === null).map((a) => a.at.getTime()));
    expect(Math.abs(pending.oldestSeconds! - (Date.now() - oldest) / 1000)).toBeLessThan(10);
    const team = await sam.api.reports.pendingDecisions.query(ranges['30 days']);
    expect(team.rows.map((row) => row.approval)).toEqual([1, 1, 0, 0, 0]);
  });

  it('times decisions made through the API from the submission before each', async () => {
    const { db } = server;
    const { admin, sam, alice } = people;
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Timed from its submission' });
    await sam.api.goals.reject.mutate({ id: goal.id, reason: 'Too vague' });
    await alice.api.goals.submit.mutate({ id: goal.id });
    await sam.api.goals.approve.mutate({ id: goal.id });

    const history = await db.selectFrom('goal_history').select(['action', 'created_at', 'submitted_at']).where('goal_id', '=', goal.id).orderBy('id').execute();
    expect(history.map((row) => row.action)).toEqual(['create', 'reject', 'submit', 'approve']);
    const [created, rejected, submitted, approved] = history;
    expect([created!.submitted_at, submitted!.submitted_at]).toEqual([null, null]);
    expect(rejected!.submitted_at).toEqual(created!.created_at);
    expect(approved!.submitted_at).toEqual(submitted!.created_at);

    // Yesterday to tomorrow: a run across midnight keeps both decisions in range.
    const day = (offset: number) => new Date(Date.now() + offset * DAY * 1000).toISOString().slice(0, 10);
    const report = await admin.api.reports.approvalTurnaround.query({ from: day(-1), to: day(1), teamId: sam.id });
    const seconds = [rejected!.created_at.getTime() - created!.created_at.getTime(), approved!.created_at.getTime() - submitted!.created_at.getTime()].map((ms) =>
      Math.round(ms / 1000),
    );
    expect(report).toMatchObject({ decided: 2, approved: 1, rejected: 1, medianSeconds: Math.min(...seconds), p90Seconds: Math.max(...seconds) });
  });
});
