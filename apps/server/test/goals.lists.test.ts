/** Goal lists: keyset pages (newest first, no gaps or repeats), filters, and whose goals each list holds. */
import { describe, expect, it } from 'vitest';
import { hashPassword, type RouterInputs } from '@pms/api';
import { DEMO_GOALS, seedDemo } from '@pms/db';
import { useDemoServer } from './support/goals.js';

const { server, people } = useDemoServer();
const year = new Date().getUTCFullYear();

type Page = { items: Array<{ id: number }>; nextCursor: number | null };

/** Every page of a list, following nextCursor. */
async function allPages(fetch: (cursor: number | null) => Promise<Page>) {
  const pages: number[][] = [];
  let cursor: number | null = null;
  do {
    const page: Page = await fetch(cursor);
    pages.push(page.items.map((g) => g.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return pages;
}

describe('goals.mine', () => {
  it('pages through 25 goals newest first, 10 at a time', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push((await people.dave.api.goals.create.mutate({ type: 'INDIVIDUAL', title: `Goal ${i}` })).id);
    const pages = await allPages((cursor) => people.dave.api.goals.mine.query({ limit: 10, cursor }));
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual([...ids].reverse());
  });

  it('is not shifted by goals created between pages', async () => {
    const before = (await people.dave.api.goals.mine.query({ limit: 10 })).items.map((g) => g.id);
    const first = await people.dave.api.goals.mine.query({ limit: 5 });
    await people.dave.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Created meanwhile' });
    const second = await people.dave.api.goals.mine.query({ limit: 5, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((g) => g.id)).toEqual(before);
  });

  it('filters by status and by type', async () => {
    const approved = await people.carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Approved' });
    await people.olivia.api.goals.approve.mutate({ id: approved.id });
    const pending = await people.carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Pending' });
    const assigned = await people.olivia.api.goals.assign.mutate({ superviseeId: people.carol.id, title: 'Assigned' });

    const ids = async (input: RouterInputs['goals']['mine']) => (await people.carol.api.goals.mine.query(input)).items.map((g) => g.id);
    expect(await ids({})).toEqual([assigned.id, pending.id, approved.id]);
    expect(await ids({ status: 'ACTIVE' })).toEqual([approved.id]);
    expect(await ids({ status: 'PENDING_ACCEPTANCE' })).toEqual([assigned.id]);
    expect(await ids({ type: 'INDIVIDUAL', status: 'PENDING_APPROVAL' })).toEqual([pending.id]);
    expect(await ids({ type: 'YEARLY' })).toEqual([]);
  });
});

describe('goals.superviseeGoals', () => {
  it('lists all direct reports’ goals, or one report’s, and pages them', async () => {
    const alices = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Alice’s goal' });
    const bobs = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Bob’s goal' });
    const samsOwn = await people.sam.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Sam’s own goal' });

    const team = (await people.sam.api.goals.superviseeGoals.query({ limit: 100 })).items;
    expect(team.map((g) => g.id)).toEqual(expect.arrayContaining([alices.id, bobs.id]));
    expect(team.map((g) => g.id)).not.toContain(samsOwn.id);
    expect(new Set(team.map((g) => g.owner.name))).toEqual(new Set(['Alice Analyst', 'Bob Builder']));

    const onlyBob = await people.sam.api.goals.superviseeGoals.query({ superviseeId: people.bob.id, status: 'PENDING_ACCEPTANCE' });
    expect(onlyBob.items.map((g) => g.id)).toEqual([bobs.id]);

    const pages = await allPages((cursor) => people.sam.api.goals.superviseeGoals.query({ limit: 1, cursor }));
    expect(pages.flat()).toEqual(team.map((g) => g.id));
  });
});

describe('goals.pendingApproval', () => {
  it('holds exactly the goals awaiting my decision, and updates as they are decided', async () => {
    const submitted = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Awaiting Sam' });
    const assigned = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Awaiting Bob' });
    const ids = async () => (await people.sam.api.goals.pendingApproval.query({ limit: 100 })).items.map((g) => g.id);

    expect(await ids()).toContain(submitted.id);
    expect(await ids()).not.toContain(assigned.id);
    const pending = (await people.sam.api.goals.pendingApproval.query({ limit: 100 })).items;
    expect(pending.every((g) => g.status === 'PENDING_APPROVAL' && g.allowedActions.includes('approve'))).toBe(true);

    await people.sam.api.goals.approve.mutate({ id: submitted.id });
    expect(await ids()).not.toContain(submitted.id);
  });
});

describe('goals.organisational', () => {
  it('shows organisational goals to everyone, filtered by type and year', async () => {
    const yearly = await people.admin.api.goals.create.mutate({ type: 'YEARLY', title: 'Company goal', year });
    const quarterly = await people.olivia.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Team goal', year: year + 1, quarter: 1 });
    await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Not organisational' });

    const seen = await people.dave.api.goals.organisational.query({ limit: 100 });
    expect(seen.items.every((g) => g.type !== 'INDIVIDUAL')).toBe(true);
    expect(seen.items.map((g) => g.id)).toEqual(expect.arrayContaining([yearly.id, quarterly.id]));
    const nextYear = await people.dave.api.goals.organisational.query({ year: year + 1 });
    expect(nextYear.items.map((g) => g.id)).toEqual([quarterly.id]);
    const yearlyOnly = await people.dave.api.goals.organisational.query({ type: 'YEARLY', limit: 100 });
    expect(yearlyOnly.items.map((g) => g.type)).not.toContain('QUARTERLY');
  });
});

describe('the demo seed', () => {
  it('adds the organisational demo goals once, aligned to the company goal, even when run again', async () => {
    await seedDemo(server.db, hashPassword);
    const titles = DEMO_GOALS.map((goal) => goal.title);
    const seeded = (await people.alice.api.goals.organisational.query({ limit: 100 })).items.filter((g) => titles.includes(g.title));
    expect(seeded.map((g) => g.title).sort()).toEqual([...titles].sort());
    const company = seeded.find((g) => g.type === 'YEARLY')!;
    expect(seeded.filter((g) => g.type === 'QUARTERLY').every((g) => g.parentGoalId === company.id && g.status === 'ACTIVE')).toBe(true);
    expect((await people.alice.api.goals.byId.query({ id: company.id })).history).toMatchObject([{ action: 'create', toStatus: 'ACTIVE' }]);
  });
});
