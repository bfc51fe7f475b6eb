/**
 * goals.teamDashboard: each direct report's goals at a glance and the oldest pending decisions,
 * checked against goals arranged through the API (dates moved back in the database where no
 * screen can: a due date already past, a completion last quarter, a request waiting for days);
 * only the caller's own reports, for every kind of caller.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useDemoServer } from './support/goals.js';
import { jsonClient } from './support/rest.js';
import { failure, httpClient } from './support/server.js';

const { server, people } = useDemoServer();

/** Moves a goal's history (when it entered each status) `days` back. */
async function daysAgo(goalId: number, days: number) {
  await server.db
    .updateTable('goal_history')
    .set({ created_at: sql`now() - make_interval(days => ${days})` })
    .where('goal_id', '=', goalId)
    .execute();
}

async function activeGoal(title: string, progress: number) {
  const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title });
  await people.sam.api.goals.approve.mutate({ id: goal.id });
  if (progress > 0) await people.alice.api.goals.updateProgress.mutate({ id: goal.id, progress });
  return goal;
}

/** Sam's team as the figures below expect it; Carol (Olivia's report) has a goal awaiting Olivia. */
async function arrange() {
  await activeGoal('Active at 40', 40);
  const overdue = await activeGoal('Active at 60, overdue', 60);
  await server.db.updateTable('goals').set({ due_date: sql`current_date - 3` }).where('id', '=', overdue.id).execute();
  const pending = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Awaiting Sam for 3 days' });
  await daysAgo(pending.id, 3);
  // An edit while pending does not restart the wait.
  await people.alice.api.goals.update.mutate({ id: pending.id, description: 'Reworded' });
  const done = await activeGoal('Completed this quarter', 0);
  await people.alice.api.goals.complete.mutate({ id: done.id });
  const old = await activeGoal('Completed long ago', 0);
  await people.alice.api.goals.complete.mutate({ id: old.id });
  await server.db.updateTable('goals').set({ updated_at: sql`now() - interval '200 days'` }).where('id', '=', old.id).execute();
  const cancelled = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Cancelled, past its date' });
  await people.alice.api.goals.cancel.mutate({ id: cancelled.id });
  await server.db.updateTable('goals').set({ due_date: sql`current_date - 10` }).where('id', '=', cancelled.id).execute();

  const assigned = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Awaiting Bob for 5 days' });
  await daysAgo(assigned.id, 5);
  const bobs = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Awaiting Sam for a day' });
  await daysAgo(bobs.id, 1);
  const declined = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Declined by Bob' });
  await people.bob.api.goals.decline.mutate({ id: declined.id, reason: 'No time' });

  const carols = await people.carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Awaiting Olivia' });
  await daysAgo(carols.id, 9);
  return { pending, assigned, bobs, carols };
}

const ageInDays = (since: Date | null) => since && Math.round((Date.now() - since.getTime()) / 86_400_000);

describe('goals.teamDashboard', () => {
  it("counts each of the supervisor's reports' goals, and lists the oldest decisions first", async () => {
    const goals = await arrange();
    const dashboard = await people.sam.api.goals.teamDashboard.query();

    expect(dashboard.reports.map(({ awaitingYou, awaitingThem, ...report }) => ({
      ...report,
      awaitingYou: [awaitingYou.count, ageInDays(awaitingYou.oldestSince)],
      awaitingThem: [awaitingThem.count, ageInDays(awaitingThem.oldestSince)],
    }))).toEqual([
      {
        id: people.alice.id,
        name: 'Alice Analyst',
        email: 'alice@demo.pms',
        active: 2,
        awaitingYou: [1, 3],
        awaitingThem: [0, null],
        overdue: 1,
        completedThisQuarter: 1,
        averageProgress: 50,
      },
      {
        id: people.bob.id,
        name: 'Bob Builder',
        email: 'bob@demo.pms',
        active: 0,
        awaitingYou: [1, 1],
        awaitingThem: [1, 5],
        overdue: 0,
        completedThisQuarter: 0,
        averageProgress: null,
      },
    ]);
    expect(dashboard.pending.map(({ goalId, kind, owner, since }) => [goalId, kind, owner.name, ageInDays(since)])).toEqual([
      [goals.assigned.id, 'acceptance', 'Bob Builder', 5],
      [goals.pending.id, 'approval', 'Alice Analyst', 3],
      [goals.bobs.id, 'approval', 'Bob Builder', 1],
    ]);
    expect(dashboard.pendingTotal).toBe(3);

    const firstTwo = await people.sam.api.goals.teamDashboard.query({ pendingLimit: 2 });
    expect(firstTwo.pending.map((p) => p.goalId)).toEqual([goals.assigned.id, goals.pending.id]);
    expect(firstTwo.pendingTotal).toBe(3);
  });

  it('moves with the decisions: an approval leaves the pending list and adds an active goal', async () => {
    const before = await people.sam.api.goals.teamDashboard.query();
    const oldestApproval = before.pending.find((p) => p.kind === 'approval')!;
    await people.sam.api.goals.approve.mutate({ id: oldestApproval.goalId });
    const after = await people.sam.api.goals.teamDashboard.query();
    expect(after.pending.map((p) => p.goalId)).not.toContain(oldestApproval.goalId);
    expect(after.pendingTotal).toBe(before.pendingTotal - 1);
    const owner = (d: typeof after) => d.reports.find((r) => r.id === oldestApproval.owner.id)!;
    expect(owner(after).active).toBe(owner(before).active + 1);
    expect(owner(after).awaitingYou.count).toBe(owner(before).awaitingYou.count - 1);
  });

  it("shows every caller only their own direct reports, and their reports' decisions", async () => {
    const olivia = await people.olivia.api.goals.teamDashboard.query();
    expect(olivia.reports.map((r) => r.name)).toEqual(['Carol Coder', 'Dave Designer']);
    expect(olivia.pending.map((p) => p.title)).toEqual(['Awaiting Olivia']);
    expect(olivia.reports[0]).toMatchObject({ awaitingYou: { count: 1 }, active: 0 });

    // The administrator's reports are the two supervisors, not their teams.
    const admin = await people.admin.api.goals.teamDashboard.query();
    expect(admin.reports.map((r) => r.name)).toEqual(['Olivia Supervisor', 'Sam Supervisor']);
    expect(admin.pending).toEqual([]);

    // A supervisee supervises no one.
    expect(await people.alice.api.goals.teamDashboard.query()).toEqual({ reports: [], pending: [], pendingTotal: 0 });

    const anonymous = await failure(httpClient(server.url).goals.teamDashboard.query());
    expect(anonymous.data?.code).toBe('UNAUTHORIZED');
  });

  it('refuses a bad limit naming it, and answers over REST', async () => {
    const bad = await failure(people.sam.api.goals.teamDashboard.query({ pendingLimit: 0 }));
    expect(bad.data?.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/^pendingLimit/);

    const rest = await jsonClient(`${server.url}/api/v1`, people.sam.token).get('/goals/team-dashboard?pendingLimit=1');
    expect(rest.status).toBe(200);
    expect(rest.body.reports.map((r: { name: string }) => r.name)).toEqual(['Alice Analyst', 'Bob Builder']);
    expect(rest.body.pending).toHaveLength(1);
    expect(typeof rest.body.pending[0].since).toBe('string');
    expect(await jsonClient(`${server.url}/api/v1`).get('/goals/team-dashboard')).toMatchObject({ status: 401 });
  });
});
