/**
 * Bad input gets BAD_REQUEST with a message naming the field, and nothing is stored.
 * Covers text limits and trimming, the period rules, progress bounds, and parent goals
 * (visible, and never forming a cycle).
 */
import { describe, expect, it } from 'vitest';
import { useDemoServer } from './support/goals.js';
import { failure } from './support/server.js';

const { server, people } = useDemoServer();
const year = new Date().getUTCFullYear();

async function badRequest(promise: Promise<unknown>) {
  const error = await failure(promise);
  expect(error.data?.code).toBe('BAD_REQUEST');
  return error.message;
}

async function goalCount() {
  const row = await server.db.selectFrom('goals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}

describe('goal text', () => {
  it.each([
    ['an empty title', { title: '' }, 'title must not be empty'],
    ['a blank title', { title: '   \n ' }, 'title must not be empty'],
    ['a long title', { title: 'x'.repeat(201) }, 'title must be at most 200 characters'],
    ['a long description', { title: 'Fine', description: 'x'.repeat(5001) }, 'description must be at most 5000 characters'],
    ['a title that is not text', { title: 42 }, 'title must be text'],
    ['a missing title', {}, 'title is required'],
  ])('refuses %s', async (_case, fields, message) => {
    const before = await goalCount();
    const input = { type: 'INDIVIDUAL', ...fields } as never;
    expect(await badRequest(people.alice.api.goals.create.mutate(input))).toBe(message);
    expect(await goalCount()).toBe(before);
  });

  it('trims titles and descriptions, and accepts 200 characters', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: `  ${'t'.repeat(200)}  `, description: '  Why it matters \n' });
    expect(goal.title).toBe('t'.repeat(200));
    expect(goal.description).toBe('Why it matters');
  });

  it('names every bad field at once', async () => {
    const error = await failure(people.alice.api.goals.create.mutate({ type: 'MONTHLY' as never, title: '' }));
    expect(error.message).toBe('type must be one of YEARLY, QUARTERLY, INDIVIDUAL; title must not be empty');
    expect(error.data?.fieldErrors).toEqual({ type: expect.any(String), title: expect.any(String) });
  });
});

describe('reasons', () => {
  it.each([
    ['missing', undefined, 'reason is required'],
    ['empty', '', 'reason must not be empty'],
    ['blank', '    ', 'reason must not be empty'],
    ['too long', 'r'.repeat(1001), 'reason must be at most 1000 characters'],
  ])('refuses a rejection whose reason is %s', async (_case, reason, message) => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Reason check' });
    expect(await badRequest(people.sam.api.goals.reject.mutate({ id: goal.id, reason } as never))).toBe(message);
    expect((await people.sam.api.goals.byId.query({ id: goal.id })).status).toBe('PENDING_APPROVAL');
  });

  it('refuses a decline without a reason', async () => {
    const goal = await people.sam.api.goals.assign.mutate({ superviseeId: people.alice.id, title: 'Decline check' });
    expect(await badRequest(people.alice.api.goals.decline.mutate({ id: goal.id, reason: ' ' }))).toBe('reason must not be empty');
  });

  it('treats a blank optional cancel reason as none', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Cancel check' });
    await people.alice.api.goals.cancel.mutate({ id: goal.id, reason: '   ' });
    const { history } = await people.alice.api.goals.byId.query({ id: goal.id });
    expect(history.at(-1)).toMatchObject({ action: 'cancel', reason: null });
  });
});

describe('progress', () => {
  it.each([
    [101, 'progress must be between 0 and 100'],
    [-1, 'progress must be between 0 and 100'],
    [12.5, 'progress must be a whole number'],
    ['50', 'progress must be a number'],
  ])('refuses %s', async (progress, message) => {
    const goal = await people.admin.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Progress check' });
    expect(await badRequest(people.admin.api.goals.updateProgress.mutate({ id: goal.id, progress } as never))).toBe(message);
  });

  it('refuses a note over 1000 characters', async () => {
    const goal = await people.admin.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Note check' });
    const message = await badRequest(people.admin.api.goals.updateProgress.mutate({ id: goal.id, progress: 5, note: 'n'.repeat(1001) }));
    expect(message).toBe('note must be at most 1000 characters');
  });
});

describe('periods', () => {
  it.each([
    ['a quarterly goal without a quarter', { type: 'QUARTERLY', year }, 'quarter is required for quarterly goals'],
    ['a quarter on a yearly goal', { type: 'YEARLY', year, quarter: 2 }, 'quarter applies to quarterly goals only'],
    ['quarter 5', { type: 'QUARTERLY', year, quarter: 5 }, 'quarter must be between 1 and 4'],
    ['year 1999', { type: 'YEARLY', year: 1999 }, 'year must be between 2000 and 2100'],
    ['a due date outside the quarter', { type: 'QUARTERLY', year: 2027, quarter: 2, dueDate: '2027-07-01' }, "dueDate must fall within the goal's period (Q2 2027)"],
    ['a due date outside the year', { type: 'YEARLY', year: 2027, dueDate: '2028-01-01' }, "dueDate must fall within the goal's period (2027)"],
    ['a date that does not exist', { type: 'YEARLY', year: 2027, dueDate: '2027-02-30' }, 'dueDate must be a date like 2026-03-31'],
    ['a date in another format', { type: 'YEARLY', year: 2027, dueDate: '31/03/2027' }, 'dueDate must be a date like 2026-03-31'],
  ])('refuses %s', async (_case, fields, message) => {
    expect(await badRequest(people.admin.api.goals.create.mutate({ title: 'Period check', ...fields } as never))).toBe(message);
  });

  it('accepts a due date on the last day of the quarter, and takes the year from the due date', async () => {
    const quarterly = await people.admin.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Q3', year: 2027, quarter: 3, dueDate: '2027-09-30' });
    expect(quarterly).toMatchObject({ year: 2027, quarter: 3, dueDate: '2027-09-30' });
    const personal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Next year', dueDate: '2028-03-01' });
    expect(personal).toMatchObject({ year: 2028, quarter: null });
    const assigned = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'This year' });
    expect(assigned.year).toBe(year);
  });

  it('checks an edit against the goal it produces', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Edit period', year: 2027 });
    expect(await badRequest(people.alice.api.goals.update.mutate({ id: goal.id, dueDate: '2028-05-01' }))).toBe(
      "dueDate must fall within the goal's period (2027)",
    );
    const moved = await people.alice.api.goals.update.mutate({ id: goal.id, year: 2028, dueDate: '2028-05-01' });
    expect(moved).toMatchObject({ year: 2028, dueDate: '2028-05-01' });
    const cleared = await people.alice.api.goals.update.mutate({ id: goal.id, dueDate: null });
    expect(cleared.dueDate).toBeNull();
  });

  it('refuses an edit that changes nothing', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'No-op' });
    expect(await badRequest(people.alice.api.goals.update.mutate({ id: goal.id }))).toBe(
      'Nothing to update: give at least one of title, description, year, quarter, dueDate, parentGoalId',
    );
  });
});

describe('parent goals', () => {
  it('aligns a personal goal to an organisational one', async () => {
    const org = await people.admin.api.goals.create.mutate({ type: 'YEARLY', title: 'Be the easiest bank to join', year });
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Halve sign-up time', parentGoalId: org.id });
    expect(goal.parentGoalId).toBe(org.id);
  });

  it('answers a parent the caller cannot see like a missing one', async () => {
    const bobs = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Private to Bob' });
    const hidden = await badRequest(people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Child', parentGoalId: bobs.id }));
    expect(hidden).toBe(`parentGoalId: no goal with id ${bobs.id}`);
    const missing = await badRequest(people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Child', parentGoalId: 2_000_000_000 }));
    expect(missing).toBe('parentGoalId: no goal with id 2000000000');
  });

  it('refuses a goal as its own parent, and any loop through its descendants', async () => {
    const create = (title: string, parentGoalId?: number) => people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title, parentGoalId });
    const top = await create('Top');
    const middle = await create('Middle', top.id);
    const bottom = await create('Bottom', middle.id);

    expect(await badRequest(people.alice.api.goals.update.mutate({ id: top.id, parentGoalId: top.id }))).toBe(
      'parentGoalId: a goal cannot be its own parent',
    );
    for (const below of [middle, bottom]) {
      expect(await badRequest(people.alice.api.goals.update.mutate({ id: top.id, parentGoalId: below.id }))).toBe(
        `parentGoalId: goal ${below.id} is already below this goal, so it cannot be its parent (parent chains have no cycles)`,
      );
    }
    expect((await people.alice.api.goals.byId.query({ id: top.id })).parentGoalId).toBeNull();

    // Re-parenting elsewhere is fine, and so is detaching.
    const other = await create('Other');
    expect((await people.alice.api.goals.update.mutate({ id: bottom.id, parentGoalId: other.id })).parentGoalId).toBe(other.id);
    expect((await people.alice.api.goals.update.mutate({ id: bottom.id, parentGoalId: null })).parentGoalId).toBeNull();
  });

  it('never lets two concurrent edits close a loop together', async () => {
    const create = (title: string) => people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title });
    for (let round = 0; round < 10; round++) {
      const [a, b] = [await create(`A${round}`), await create(`B${round}`)];
      const results = await Promise.allSettled([
        people.alice.api.goals.update.mutate({ id: a.id, parentGoalId: b.id }),
        people.alice.api.goals.update.mutate({ id: b.id, parentGoalId: a.id }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [afterA, afterB] = [await people.alice.api.goals.byId.query({ id: a.id }), await people.alice.api.goals.byId.query({ id: b.id })];
      expect(afterA.parentGoalId === b.id && afterB.parentGoalId === a.id).toBe(false);
    }
  });
});

describe('ids and pages', () => {
  it.each([
    [{ id: 0 }, 'id must be positive'],
    [{ id: 1.5 }, 'id must be a whole number'],
    [{ id: 'abc' }, 'id must be a number'],
  ])('refuses goal id %j', async (input, message) => {
    expect(await badRequest(people.alice.api.goals.byId.query(input as never))).toBe(message);
  });

  it.each([
    [{ limit: 0 }, 'limit must be between 1 and 100'],
    [{ limit: 101 }, 'limit must be between 1 and 100'],
    [{ status: 'DONE' }, 'status must be one of PENDING_APPROVAL, PENDING_ACCEPTANCE, ACTIVE, REJECTED, DECLINED, COMPLETED, CANCELLED'],
    [{ cursor: -3 }, 'cursor must be positive'],
  ])('refuses list input %j', async (input, message) => {
    expect(await badRequest(people.alice.api.goals.mine.query(input as never))).toBe(message);
  });
});
