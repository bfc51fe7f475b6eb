/**
 * Due-date reminders over a real server, its HTTP API and its job queue. Days cannot be waited
 * for, so time passes the honest ways: a due date moved in SQL (the database takes any date; the
 * refusal of past dates is an API rule), or a job's start moved to now in pg-boss's table, then
 * the server's own workers run it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goalReminderJob } from '@pms/api';
import { signInAll, type People } from './support/goals.js';
import { failure, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let second: TestServer;
let people: People;

beforeAll(async () => {
  server = await startTestServer();
  // A second instance on the same database: both work the queue.
  second = await startTestServer({ databaseUrl: server.databaseUrl });
  people = await signInAll(server.url);
});
afterAll(async () => {
  await second?.close();
  await server?.close();
});

/** The date `days` from today in `zone`, by the database's clock: `2026-12-05`. */
async function day(days: number, zone = 'UTC'): Promise<string> {
  const { rows } = await sql<{ date: string }>`select to_char((now() at time zone ${zone})::date + ${days}::int, 'YYYY-MM-DD') as date`.execute(server.db);
  return rows[0]!.date;
}

async function reminderJobs(goalId: number) {
  const { rows } = await sql<{ state: string; threshold: string; dueDate: string; startAfter: Date; due: boolean }>`
    select state, data->>'threshold' as threshold, data->>'dueDate' as "dueDate", start_after as "startAfter", start_after <= now() as due
    from pgboss.job where name = 'goal.reminder' and (data->>'goalId')::int = ${goalId}`.execute(server.db);
  return rows;
}

/** Every reminder job of the goal whose time has come has run (none waiting, running or failing). */
async function allJobsRun(goalId: number) {
  const ran = async () => (await reminderJobs(goalId)).filter((job) => job.due).every((job) => job.state === 'completed');
  await expect.poll(ran, { timeout: 20_000, interval: 100 }).toBe(true);
}

/** "Time passes": the goal's waiting reminder jobs (for one due date, or all) start now. */
async function startWaitingJobsNow(goalId: number, dueDate?: string) {
  await sql`update pgboss.job set start_after = now()
    where name = 'goal.reminder' and (data->>'goalId')::int = ${goalId} and state = 'created'
      and (${dueDate ?? null}::text is null or data->>'dueDate' = ${dueDate ?? null})`.execute(server.db);
}

async function remindersOf(goalId: number) {
  return server.db
    .selectFrom('notifications')
    .select(['recipient_id as recipientId', 'type', 'priority', 'message', 'link', 'group_key as groupKey'])
    .where('type', 'in', ['GOAL_DUE_SOON', 'GOAL_OVERDUE'])
    .where(sql<boolean>`(data->>'goalId')::int = ${goalId}`)
    .orderBy('id')
    .execute();
}

/** Alice proposes a goal due on `dueDate`; Sam approves it unless told not to. */
async function aliceGoal(title: string, dueDate: string, approve = true) {
  const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title, dueDate });
  return approve ? people.sam.api.goals.approve.mutate({ id: goal.id }) : goal;
}

describe('a due date in the past', () => {
  it('is refused on create and on assign, with nothing stored; today is fine', async () => {
    const yesterday = await day(-1);
    const refused = await failure(people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Too late', dueDate: yesterday }));
    expect(refused.data?.code).toBe('BAD_REQUEST');
    expect(refused.message).toContain('dueDate must not be in the past');
    const assigned = await failure(people.sam.api.goals.assign.mutate({ superviseeId: people.alice.id, title: 'Too late', dueDate: yesterday }));
    expect(assigned.message).toContain('dueDate must not be in the past');
    const stored = await server.db.selectFrom('goals').select('id').where('title', '=', 'Too late').execute();
    expect(stored).toEqual([]);
    const today = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Due today', dueDate: await day(0) });
    expect(today.dueDate).toBe(await day(0));
  });

  it("counts today in the actor's own time zone", async () => {
    const zone = 'Pacific/Kiritimati'; // UTC+14: often a day ahead of UTC
    await server.db.insertInto('user_settings').values({ user_id: people.bob.id, time_zone: zone }).execute();
    const refused = await failure(people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Bob late', dueDate: await day(-1, zone) }));
    expect(refused.message).toContain(`today is ${await day(0, zone)}`);
    const fine = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Bob today', dueDate: await day(0, zone) });
    expect(fine.dueDate).toBe(await day(0, zone));
  });

  it('is refused on update, leaving the goal as it was; a past date kept as it was is not refused', async () => {
    const goal = await aliceGoal('Edit me', await day(10), false);
    const refused = await failure(people.alice.api.goals.update.mutate({ id: goal.id, dueDate: await day(-1) }));
    expect(refused.data?.code).toBe('BAD_REQUEST');
    expect(refused.message).toContain('dueDate must not be in the past');
    const stored = await server.db.selectFrom('goals').select(['due_date', 'version']).where('id', '=', goal.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ due_date: await day(10), version: goal.version });
    // Time passes while it awaits approval: the form still sends the date it shows.
    await server.db.updateTable('goals').set({ due_date: await day(-2) }).where('id', '=', goal.id).execute();
    const edited = await people.alice.api.goals.update.mutate({ id: goal.id, title: 'Edited late', dueDate: await day(-2) });
    expect(edited.title).toBe('Edited late');
  });
});

describe('reminders', () => {
  it('schedules due soon at the start of the due-soon day and overdue the day after, in the owner time zone', async () => {
    await server.db.insertInto('user_settings').values({ user_id: people.carol.id, time_zone: 'Asia/Kolkata' }).execute();
    const dueDate = await day(40, 'Asia/Kolkata');
    const goal = await people.olivia.api.goals.assign.mutate({ superviseeId: people.carol.id, title: 'Far away', dueDate });
    const dueSoonDay = new Date(Date.parse(`${dueDate}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(Date.parse(`${dueDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const jobs = await reminderJobs(goal.id);
    expect(jobs.map(({ threshold, startAfter, state }) => [threshold, startAfter.toISOString(), state]).sort()).toEqual([
      ['dueSoon', new Date(`${dueSoonDay}T00:00:00+05:30`).toISOString(), 'created'],
      ['overdue', new Date(`${dayAfter}T00:00:00+05:30`).toISOString(), 'created'],
    ]);
  });

  it('raises GOAL_DUE_SOON to the owner once, however many times and instances run its job', async () => {
    const dueDate = await day(3);
    const goal = await aliceGoal('Due soon', dueDate, false);
    // Sam approves while ten copies of the job are enqueued through both instances' queues.
    await Promise.all([
      people.sam.api.goals.approve.mutate({ id: goal.id }),
      ...[server, second].flatMap((instance) =>
        Array.from({ length: 5 }, () => instance.app.deps.jobs.enqueue(instance.db, goalReminderJob, { goalId: goal.id, threshold: 'dueSoon', dueDate })),
      ),
    ]);
    await expect.poll(() => remindersOf(goal.id), { timeout: 20_000, interval: 100 }).toHaveLength(1);
    await allJobsRun(goal.id);
    expect((await people.alice.api.goals.mine.query()).items.find((g) => g.id === goal.id)?.daysLeft).toBe(3);
    // And once more after everything ran: still one.
    await server.app.deps.jobs.enqueue(server.db, goalReminderJob, { goalId: goal.id, threshold: 'dueSoon', dueDate });
    await allJobsRun(goal.id);
    expect(await remindersOf(goal.id)).toEqual([
      {
        recipientId: people.alice.id,
        type: 'GOAL_DUE_SOON',
        priority: 'NORMAL',
        message: `"Due soon" is due on ${dueDate}`,
        link: `/goals/${goal.id}`,
        groupKey: `goal:${goal.id}:due`,
      },
    ]);
    // The overdue jobs (one from creating it, one from approving it) wait for the day after the due date.
    const overdue = (await reminderJobs(goal.id)).filter((job) => job.threshold === 'overdue');
    expect(overdue.map((job) => job.state)).toEqual(['created', 'created']);
  });

  it('raises GOAL_OVERDUE to owner and supervisor (and no due soon) for a goal approved after its date', async () => {
    const goal = await aliceGoal('Late approval', await day(1), false);
    // Two days pass while it awaits approval.
    const dueDate = await day(-1);
    await server.db.updateTable('goals').set({ due_date: dueDate }).where('id', '=', goal.id).execute();
    await people.sam.api.goals.approve.mutate({ id: goal.id });
    await expect.poll(() => remindersOf(goal.id), { timeout: 20_000, interval: 100 }).toHaveLength(2);
    await allJobsRun(goal.id);
    expect(await remindersOf(goal.id)).toEqual([
      expect.objectContaining({ recipientId: people.alice.id, type: 'GOAL_OVERDUE', priority: 'HIGH', message: `"Late approval" was due on ${dueDate}` }),
      expect.objectContaining({ recipientId: people.sam.id, type: 'GOAL_OVERDUE', priority: 'HIGH', message: `Alice Analyst's goal "Late approval" was due on ${dueDate}` }),
    ]);
    // Lists and cards flag it by the same day count.
    expect((await people.sam.api.goals.byId.query({ id: goal.id })).daysLeft).toBe(-1);
    const mine = await people.alice.api.notifications.list.query({ view: 'inbox', type: 'GOAL_OVERDUE' });
    expect(mine.items.map((n) => n.link)).toContain(`/goals/${goal.id}`);
  });

  it('reschedules when the date changes: the old date reminds nothing, the new one does', async () => {
    const oldDate = await day(20);
    const newDate = await day(2);
    const goal = await aliceGoal('Moved', oldDate, false);
    await people.alice.api.goals.update.mutate({ id: goal.id, year: Number(newDate.slice(0, 4)), dueDate: newDate });
    await people.sam.api.goals.approve.mutate({ id: goal.id });
    await expect.poll(() => remindersOf(goal.id), { timeout: 20_000, interval: 100 }).toHaveLength(1);
    // The old date's days come: its jobs run and find another date.
    const oldJobs = (await reminderJobs(goal.id)).filter((job) => job.dueDate === oldDate);
    expect(oldJobs.map((job) => job.state)).toEqual(['created', 'created']);
    await startWaitingJobsNow(goal.id, oldDate);
    await expect
      .poll(async () => (await reminderJobs(goal.id)).filter((job) => job.dueDate === oldDate).map((job) => job.state), { timeout: 20_000, interval: 100 })
      .toEqual(['completed', 'completed']);
    expect((await remindersOf(goal.id)).map((n) => [n.type, n.message])).toEqual([['GOAL_DUE_SOON', `"Moved" is due on ${newDate}`]]);
    const rows = await server.db.selectFrom('goal_reminders').select(['threshold', 'due_date']).where('goal_id', '=', goal.id).execute();
    expect(rows).toEqual([{ threshold: 'dueSoon', due_date: newDate }]);
  });

  it.each([
    ['completing', (id: number) => people.alice.api.goals.complete.mutate({ id })],
    ['cancelling', (id: number) => people.sam.api.goals.cancel.mutate({ id, reason: 'No longer needed' })],
  ])('stops after %s the goal', async (_, end) => {
    const goal = await aliceGoal(`Ended ${_}`, await day(20));
    expect((await reminderJobs(goal.id)).filter((job) => job.state === 'created').length).toBeGreaterThanOrEqual(2);
    await end(goal.id);
    await startWaitingJobsNow(goal.id);
    await allJobsRun(goal.id);
    expect(await remindersOf(goal.id)).toEqual([]);
    expect(await server.db.selectFrom('goal_reminders').select('goal_id').where('goal_id', '=', goal.id).execute()).toEqual([]);
  });
});
