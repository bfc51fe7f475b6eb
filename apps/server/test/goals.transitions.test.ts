/**
 * Illegal transitions: every action, tried by someone entitled to it, from every status it is
 * not allowed from, answers CONFLICT saying why, and changes nothing (no version bump, no
 * history row, no notification). The exception: the decision that brought the goal to its
 * status, retried by the same actor, answers with the goal as it is (and still changes nothing).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { GoalStatus } from '@pms/shared';
import { aliceGoals, useDemoServer, type Reach } from './support/goals.js';
import { failure, type Client } from './support/server.js';

const { server, people } = useDemoServer();

/** The workflow, written out independently of the server's table. */
const LEGAL_FROM: Record<string, GoalStatus[]> = {
  update: ['PENDING_APPROVAL', 'REJECTED', 'DECLINED'],
  submit: ['REJECTED'],
  approve: ['PENDING_APPROVAL'],
  reject: ['PENDING_APPROVAL'],
  accept: ['PENDING_ACCEPTANCE'],
  decline: ['PENDING_ACCEPTANCE'],
  reassign: ['DECLINED'],
  updateProgress: ['ACTIVE'],
  complete: ['ACTIVE'],
  cancel: ['PENDING_APPROVAL', 'PENDING_ACCEPTANCE', 'ACTIVE', 'REJECTED', 'DECLINED'],
};

const calls: Record<string, (api: Client, id: number) => Promise<unknown>> = {
  update: (api, id) => api.goals.update.mutate({ id, title: 'Edited' }),
  submit: (api, id) => api.goals.submit.mutate({ id }),
  approve: (api, id) => api.goals.approve.mutate({ id }),
  reject: (api, id) => api.goals.reject.mutate({ id, reason: 'No' }),
  accept: (api, id) => api.goals.accept.mutate({ id }),
  decline: (api, id) => api.goals.decline.mutate({ id, reason: 'No' }),
  reassign: (api, id) => api.goals.reassign.mutate({ id }),
  updateProgress: (api, id) => api.goals.updateProgress.mutate({ id, progress: 10 }),
  complete: (api, id) => api.goals.complete.mutate({ id }),
  cancel: (api, id) => api.goals.cancel.mutate({ id }),
};

/** Alice's own goal (Sam decides it) and one Sam assigned to her, in every status each can reach. */
const families = aliceGoals(people);

/** Who holds the role each action needs; accept and decline have no holder on a goal nobody assigned. */
const ACTORS: Record<keyof typeof families, Record<string, 'alice' | 'sam'>> = {
  personal: { update: 'alice', submit: 'alice', approve: 'sam', reject: 'sam', reassign: 'sam', updateProgress: 'alice', complete: 'alice', cancel: 'alice' },
  assigned: {
    update: 'sam',
    submit: 'alice',
    approve: 'sam',
    reject: 'sam',
    accept: 'alice',
    decline: 'alice',
    reassign: 'sam',
    updateProgress: 'alice',
    complete: 'alice',
    cancel: 'alice',
  },
};

/** How `reach` brought each family's goal to a status, when the same actor retrying it is a replay, not a conflict. */
const RETRIES: Record<keyof typeof families, Partial<Record<GoalStatus, string>>> = {
  personal: { ACTIVE: 'approve', COMPLETED: 'complete', CANCELLED: 'cancel' },
  assigned: { ACTIVE: 'accept', COMPLETED: 'complete' },
};

/** What a change leaves behind: history rows and notifications about the goal. */
async function sideEffects(goalId: number) {
  const history = await server.db
    .selectFrom('goal_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('goal_id', '=', goalId)
    .executeTakeFirstOrThrow();
  const notifications = await server.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<number>`(data->>'goalId')::int`, '=', goalId)
    .executeTakeFirstOrThrow();
  return { history: history.n, notifications: notifications.n };
}

describe('illegal transitions answer CONFLICT and change nothing', () => {
  for (const family of ['personal', 'assigned'] as const) {
    const { start, reach } = families[family];
    for (const [status, arrive] of Object.entries(reach) as Array<[GoalStatus, Reach]>) {
      const illegal = Object.entries(ACTORS[family]).filter(
        ([action]) => !LEGAL_FROM[action]!.includes(status) && RETRIES[family][status] !== action,
      );
      it(`${family} goal, ${status}: ${illegal.map(([action]) => action).join(', ')}`, async () => {
        const goal = await arrive(await start());
        const before = await people.alice.api.goals.byId.query({ id: goal.id });
        expect(before.status).toBe(status);
        const effects = await sideEffects(goal.id);

        for (const [action, actor] of illegal) {
          const error = await failure(calls[action]!(people[actor].api, goal.id));
          expect({ action, code: error.data?.code }).toEqual({ action, code: 'CONFLICT' });
          expect(error.message).toMatch(/^This goal (is|was already) .+, so it cannot be \w+$/);
        }

        const after = await people.alice.api.goals.byId.query({ id: goal.id });
        expect(after.version).toBe(before.version);
        expect(after.status).toBe(status);
        expect(await sideEffects(goal.id)).toEqual(effects);
      });
    }
  }
});

describe('a decision retried by the one who made it', () => {
  for (const family of ['personal', 'assigned'] as const) {
    for (const [status, action] of Object.entries(RETRIES[family]) as Array<[GoalStatus, string]>) {
      it(`${family} goal, ${status}: ${action} again answers with the goal as it is, and records nothing`, async () => {
        const goal = await families[family].reach[status]!(await families[family].start());
        const effects = await sideEffects(goal.id);
        const again = (await calls[action]!(people[ACTORS[family][action]!].api, goal.id)) as typeof goal;
        expect(again).toMatchObject({ id: goal.id, status, version: goal.version });
        expect(await sideEffects(goal.id)).toEqual(effects);
      });
    }
  }

  it('is refused when someone else made the decision, or with another reason', async () => {
    const goal = await families.personal.start();
    await people.sam.api.goals.reject.mutate({ id: goal.id, reason: 'Too vague' });
    const otherReason = await failure(people.sam.api.goals.reject.mutate({ id: goal.id, reason: 'Out of scope' }));
    expect(otherReason.message).toBe('This goal was already rejected by you, so it cannot be rejected');
    expect(await people.sam.api.goals.reject.mutate({ id: goal.id, reason: 'Too vague' })).toMatchObject({ status: 'REJECTED', version: 2 });

    const assigned = await families.assigned.start();
    await people.sam.api.goals.cancel.mutate({ id: assigned.id });
    const byOwner = await failure(people.alice.api.goals.cancel.mutate({ id: assigned.id }));
    expect(byOwner.message).toBe('This goal was already cancelled by Sam Supervisor, so it cannot be cancelled');
  });
});

describe('conflict messages say what happened', () => {
  it('names the decision and who made it', async () => {
    const goal = await families.personal.start();
    await people.sam.api.goals.approve.mutate({ id: goal.id });
    const again = await failure(people.sam.api.goals.reject.mutate({ id: goal.id, reason: 'Changed my mind' }));
    expect(again.message).toBe('This goal was already approved by you, so it cannot be rejected');
    const owner = await failure(people.alice.api.goals.update.mutate({ id: goal.id, title: 'Too late' }));
    expect(owner.message).toBe('This goal was already approved by Sam Supervisor, so it cannot be edited');
  });

  it('describes a goal that has not moved since it was made', async () => {
    const assigned = await families.assigned.start();
    const error = await failure(people.sam.api.goals.approve.mutate({ id: assigned.id }));
    expect(error.message).toBe('This goal is pending acceptance, so it cannot be approved');
  });

  it('refuses an edit based on an old version', async () => {
    const goal = await families.personal.start();
    await people.alice.api.goals.update.mutate({ id: goal.id, version: goal.version, title: 'First edit' });
    const stale = await failure(people.alice.api.goals.update.mutate({ id: goal.id, version: goal.version, title: 'Second edit' }));
    expect(stale.data?.code).toBe('CONFLICT');
    expect(stale.message).toBe('This goal was edited by you since you loaded it; reload it and try again');
    expect((await people.alice.api.goals.byId.query({ id: goal.id })).title).toBe('First edit');
  });
});

describe('legal transitions keep their history', () => {
  it('records every step with actor, statuses, reason and progress', async () => {
    const goal = await families.personal.start();
    await people.sam.api.goals.reject.mutate({ id: goal.id, reason: '  Needs a number  ' });
    await people.alice.api.goals.update.mutate({ id: goal.id, title: 'Publish 4 blog posts' });
    await people.alice.api.goals.submit.mutate({ id: goal.id });
    await people.sam.api.goals.approve.mutate({ id: goal.id });
    await people.alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 50, note: 'Two posts out' });
    const done = await people.alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 100 });
    expect(done).toMatchObject({ status: 'COMPLETED', progress: 100, lastReason: 'Needs a number', version: 7 });

    const { history } = await people.sam.api.goals.byId.query({ id: goal.id });
    expect(history.map(({ action, fromStatus, toStatus, reason, progress, actorName }) => ({ action, fromStatus, toStatus, reason, progress, actorName }))).toEqual([
      { action: 'create', fromStatus: null, toStatus: 'PENDING_APPROVAL', reason: null, progress: null, actorName: 'Alice Analyst' },
      { action: 'reject', fromStatus: 'PENDING_APPROVAL', toStatus: 'REJECTED', reason: 'Needs a number', progress: null, actorName: 'Sam Supervisor' },
      { action: 'edit', fromStatus: 'REJECTED', toStatus: 'REJECTED', reason: null, progress: null, actorName: 'Alice Analyst' },
      { action: 'submit', fromStatus: 'REJECTED', toStatus: 'PENDING_APPROVAL', reason: null, progress: null, actorName: 'Alice Analyst' },
      { action: 'approve', fromStatus: 'PENDING_APPROVAL', toStatus: 'ACTIVE', reason: null, progress: null, actorName: 'Sam Supervisor' },
      { action: 'updateProgress', fromStatus: 'ACTIVE', toStatus: 'ACTIVE', reason: 'Two posts out', progress: 50, actorName: 'Alice Analyst' },
      { action: 'complete', fromStatus: 'ACTIVE', toStatus: 'COMPLETED', reason: null, progress: 100, actorName: 'Alice Analyst' },
    ]);
    expect(history.every((entry) => entry.createdAt instanceof Date)).toBe(true);
  });

  it('cancels instead of deleting: the row and its history stay', async () => {
    const goal = await families.personal.start();
    const cancelled = await people.alice.api.goals.cancel.mutate({ id: goal.id, reason: 'Duplicate of another goal' });
    expect(cancelled.status).toBe('CANCELLED');
    const { history } = await people.alice.api.goals.byId.query({ id: goal.id });
    expect(history.at(-1)).toMatchObject({ action: 'cancel', toStatus: 'CANCELLED', reason: 'Duplicate of another goal' });
    expect((await people.alice.api.goals.mine.query({ status: 'CANCELLED' })).items.map((g) => g.id)).toContain(goal.id);
  });
});
