/**
 * The permission matrix: role x procedure x goal. A goal a caller may not see answers
 * NOT_FOUND, exactly like a missing one; a visible goal the caller may not act on answers
 * FORBIDDEN; an allowed actor on a goal in the wrong status gets CONFLICT.
 */
import { describe, expect, it } from 'vitest';
import { addPerson, aliceGoals, goalIn, useDemoServer } from './support/goals.js';
import { failure, outcome, type Client } from './support/server.js';

const { server, people } = useDemoServer();
const year = new Date().getUTCFullYear();
const alices = aliceGoals(people);

/** Goals in the states the matrix covers, made through the API. */
const fixtures = {
  /** Alice's personal goal awaiting Sam's approval. */
  pending: () => goalIn(alices.personal, 'PENDING_APPROVAL'),
  rejected: () => goalIn(alices.personal, 'REJECTED'),
  active: () => goalIn(alices.personal, 'ACTIVE'),
  /** Assigned by Sam to Alice, awaiting her acceptance. */
  assigned: () => goalIn(alices.assigned, 'PENDING_ACCEPTANCE'),
  /** Sam's quarterly organisational goal: visible to everyone. Sam's supervisor is the admin. */
  organisational: () => people.sam.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Ship the mobile app', year, quarter: 2 }),
};
type Fixture = keyof typeof fixtures;

const procedures = {
  byId: (api: Client, id: number) => api.goals.byId.query({ id }),
  update: (api: Client, id: number) => api.goals.update.mutate({ id, title: 'Edited title' }),
  submit: (api: Client, id: number) => api.goals.submit.mutate({ id }),
  approve: (api: Client, id: number) => api.goals.approve.mutate({ id }),
  reject: (api: Client, id: number) => api.goals.reject.mutate({ id, reason: 'Not now' }),
  accept: (api: Client, id: number) => api.goals.accept.mutate({ id }),
  decline: (api: Client, id: number) => api.goals.decline.mutate({ id, reason: 'Too much this quarter' }),
  updateProgress: (api: Client, id: number) => api.goals.updateProgress.mutate({ id, progress: 40 }),
  complete: (api: Client, id: number) => api.goals.complete.mutate({ id }),
  cancel: (api: Client, id: number) => api.goals.cancel.mutate({ id }),
};
type Procedure = keyof typeof procedures;

const CALLERS = ['alice', 'sam', 'bob', 'olivia', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';

/**
 * Expected outcome per fixture and procedure; callers not named get the fixture's default:
 * NOT_FOUND for personal goals (bob is a peer, olivia another team's supervisor, the admin is
 * not Alice's supervisor), FORBIDDEN for the organisational goal everyone can see.
 */
const MATRIX: Record<Fixture, { others: Outcome; rows: Partial<Record<Procedure, Partial<Record<Caller, Outcome>>>> }> = {
  pending: {
    others: 'NOT_FOUND',
    rows: {
      byId: { alice: 'ok', sam: 'ok' },
      update: { alice: 'ok', sam: 'FORBIDDEN' },
      submit: { alice: 'CONFLICT', sam: 'FORBIDDEN' },
      approve: { alice: 'FORBIDDEN', sam: 'ok' },
      reject: { alice: 'FORBIDDEN', sam: 'ok' },
      accept: { alice: 'FORBIDDEN', sam: 'FORBIDDEN' },
      decline: { alice: 'FORBIDDEN', sam: 'FORBIDDEN' },
      updateProgress: { alice: 'CONFLICT', sam: 'FORBIDDEN' },
      complete: { alice: 'CONFLICT', sam: 'FORBIDDEN' },
      // The approver answers with approve or reject; only the owner withdraws.
      cancel: { alice: 'ok', sam: 'FORBIDDEN' },
    },
  },
  rejected: {
    others: 'NOT_FOUND',
    rows: {
      byId: { alice: 'ok', sam: 'ok' },
      update: { alice: 'ok', sam: 'FORBIDDEN' },
      submit: { alice: 'ok', sam: 'FORBIDDEN' },
      approve: { alice: 'FORBIDDEN', sam: 'CONFLICT' },
      reject: { alice: 'FORBIDDEN', sam: 'CONFLICT' },
      cancel: { alice: 'ok', sam: 'FORBIDDEN' },
    },
  },
  active: {
    others: 'NOT_FOUND',
    rows: {
      byId: { alice: 'ok', sam: 'ok' },
      update: { alice: 'CONFLICT', sam: 'FORBIDDEN' },
      // Sam approved it: approving again is a retry, answered with the goal (see goals.transitions).
      approve: { alice: 'FORBIDDEN', sam: 'ok' },
      updateProgress: { alice: 'ok', sam: 'FORBIDDEN' },
      complete: { alice: 'ok', sam: 'FORBIDDEN' },
      cancel: { alice: 'ok', sam: 'ok' },
    },
  },
  assigned: {
    others: 'NOT_FOUND',
    rows: {
      byId: { alice: 'ok', sam: 'ok' },
      update: { alice: 'FORBIDDEN', sam: 'CONFLICT' },
      approve: { alice: 'FORBIDDEN', sam: 'CONFLICT' },
      accept: { alice: 'ok', sam: 'FORBIDDEN' },
      decline: { alice: 'ok', sam: 'FORBIDDEN' },
      updateProgress: { alice: 'CONFLICT', sam: 'FORBIDDEN' },
      // The assignee answers with accept or decline (a decline says why); only the supervisor withdraws.
      cancel: { alice: 'FORBIDDEN', sam: 'ok' },
    },
  },
  organisational: {
    others: 'FORBIDDEN',
    rows: {
      byId: { alice: 'ok', sam: 'ok', bob: 'ok', olivia: 'ok', admin: 'ok' },
      update: { sam: 'CONFLICT' },
      approve: { admin: 'CONFLICT' },
      accept: {},
      updateProgress: { sam: 'ok' },
      complete: { sam: 'ok' },
      cancel: { sam: 'ok', admin: 'ok' },
    },
  },
};

describe('goal procedures: role x procedure x goal', () => {
  for (const [fixture, { others, rows }] of Object.entries(MATRIX) as Array<[Fixture, (typeof MATRIX)[Fixture]]>) {
    for (const [procedure, expected] of Object.entries(rows) as Array<[Procedure, Partial<Record<Caller, Outcome>>]>) {
      it(`${procedure} on the ${fixture} goal`, async () => {
        const expectations = CALLERS.map((caller) => [caller, expected[caller] ?? others] as const);
        // Refusals change nothing, so they share one goal; each success gets a goal of its own.
        const shared = await fixtures[fixture]();
        const actual: Record<string, string> = {};
        for (const [caller] of expectations.filter(([, want]) => want !== 'ok')) {
          actual[caller] = await outcome(procedures[procedure](people[caller].api, shared.id));
        }
        for (const [caller] of expectations.filter(([, want]) => want === 'ok')) {
          const goal = await fixtures[fixture]();
          actual[caller] = await outcome(procedures[procedure](people[caller].api, goal.id));
        }
        expect(actual).toEqual(Object.fromEntries(expectations));
        const after = await people.alice.api.goals.byId.query({ id: shared.id }).catch(() => null);
        if (after) expect(after.version, 'refusals leave the goal unchanged').toBe(shared.version);
      });
    }
  }

  it('answers a hidden goal exactly like a missing one', async () => {
    const goal = await fixtures.pending();
    const hidden = await failure(people.bob.api.goals.byId.query({ id: goal.id }));
    const missing = await failure(people.bob.api.goals.byId.query({ id: 2_000_000_000 }));
    expect(hidden.data?.code).toBe('NOT_FOUND');
    expect(hidden.message).toBe(`No goal with id ${goal.id}`);
    expect(missing.message).toBe('No goal with id 2000000000');
    const approve = await failure(people.olivia.api.goals.approve.mutate({ id: goal.id }));
    expect(approve.message).toBe(`No goal with id ${goal.id}`);
  });

  it('says who may act, and nothing else, when forbidding', async () => {
    const goal = await fixtures.pending();
    const error = await failure(people.alice.api.goals.approve.mutate({ id: goal.id }));
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toBe("Only the owner's supervisor or an administrator (for owners without a supervisor) may approve this goal");
  });

  it('names who may cancel from the status the goal is in', async () => {
    const pending = await fixtures.pending();
    const byApprover = await failure(people.sam.api.goals.cancel.mutate({ id: pending.id }));
    expect(byApprover.data?.code).toBe('FORBIDDEN');
    expect(byApprover.message).toBe('Only its owner may cancel this goal while it is pending approval');
    const assigned = await fixtures.assigned();
    const byAssignee = await failure(people.alice.api.goals.cancel.mutate({ id: assigned.id, reason: 'Skipping the decline' }));
    expect(byAssignee.message).toBe(
      "Only the owner's supervisor or an administrator (for owners without a supervisor) may cancel this goal while it is pending acceptance",
    );
    expect((await people.alice.api.goals.byId.query({ id: assigned.id })).status).toBe('PENDING_ACCEPTANCE');
  });

  it('reports the actions each caller may take', async () => {
    const goal = await fixtures.pending();
    expect((await people.alice.api.goals.byId.query({ id: goal.id })).allowedActions).toEqual(['edit', 'cancel']);
    expect((await people.sam.api.goals.byId.query({ id: goal.id })).allowedActions).toEqual(['approve', 'reject']);
    const assigned = await fixtures.assigned();
    expect((await people.alice.api.goals.byId.query({ id: assigned.id })).allowedActions).toEqual(['accept', 'decline']);
    expect((await people.sam.api.goals.byId.query({ id: assigned.id })).allowedActions).toEqual(['cancel']);
    const org = await fixtures.organisational();
    expect((await people.bob.api.goals.byId.query({ id: org.id })).allowedActions).toEqual([]);
  });
});

describe('creating and assigning', () => {
  it.each([
    ['alice', 'YEARLY', 'FORBIDDEN'],
    ['alice', 'QUARTERLY', 'FORBIDDEN'],
    ['alice', 'INDIVIDUAL', 'ok'],
    ['sam', 'YEARLY', 'FORBIDDEN'],
    ['sam', 'QUARTERLY', 'ok'],
    ['admin', 'YEARLY', 'ok'],
    ['admin', 'QUARTERLY', 'ok'],
  ] as const)('%s creating a %s goal: %s', async (caller, type, expected) => {
    const quarter = type === 'QUARTERLY' ? 3 : undefined;
    expect(await outcome(people[caller].api.goals.create.mutate({ type, title: `${type} goal`, year, quarter }))).toBe(expected);
  });

  it('names the missing permission', async () => {
    const error = await failure(people.alice.api.goals.create.mutate({ type: 'YEARLY', title: 'Double revenue', year }));
    expect(error.message).toBe('Creating YEARLY goals needs the goal_create_yearly permission');
  });

  it.each([
    ['sam', 'alice', 'ok'],
    ['sam', 'carol', 'FORBIDDEN'],
    ['olivia', 'alice', 'FORBIDDEN'],
    ['alice', 'bob', 'FORBIDDEN'],
    ['admin', 'sam', 'ok'],
    ['admin', 'alice', 'FORBIDDEN'],
  ] as const)('%s assigning to %s: %s', async (caller, assignee, expected) => {
    const call = people[caller].api.goals.assign.mutate({ superviseeId: people[assignee].id, title: 'Assigned goal' });
    expect(await outcome(call)).toBe(expected);
  });

  it('gives the same answer for an unknown user as for someone else’s report', async () => {
    const unknown = await failure(people.sam.api.goals.assign.mutate({ superviseeId: 2_000_000_000, title: 'Nobody' }));
    const foreign = await failure(people.sam.api.goals.assign.mutate({ superviseeId: people.carol.id, title: 'Not mine' }));
    expect(unknown.message).toBe(foreign.message);
    expect(unknown.message).toBe('You can assign goals only to your own direct reports');
  });
});

describe('lists only show what the caller may see', () => {
  it('superviseeGoals refuses someone else’s report', async () => {
    expect(await outcome(people.sam.api.goals.superviseeGoals.query({ superviseeId: people.carol.id }))).toBe('FORBIDDEN');
    expect(await outcome(people.alice.api.goals.superviseeGoals.query({ superviseeId: people.bob.id }))).toBe('FORBIDDEN');
  });

  it('pendingApproval shows a supervisor their own reports’ goals only', async () => {
    const goal = await fixtures.pending();
    const sams = await people.sam.api.goals.pendingApproval.query({ limit: 100 });
    const olivias = await people.olivia.api.goals.pendingApproval.query({ limit: 100 });
    const admins = await people.admin.api.goals.pendingApproval.query({ limit: 100 });
    expect(sams.items.map((g) => g.id)).toContain(goal.id);
    expect(olivias.items.map((g) => g.id)).not.toContain(goal.id);
    expect(admins.items.map((g) => g.id)).not.toContain(goal.id);
  });
});

describe('after a reassignment only the current supervisor decides', () => {
  it('moves the decision from the old supervisor to the new one', async () => {
    const dana = await addPerson(server.url, people.admin, { email: 'dana@demo.pms', name: 'Dana Mover', supervisorId: people.sam.id });
    const goal = await dana.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Present at the all-hands' });
    await people.admin.api.users.update.mutate({ id: dana.id, supervisorId: people.olivia.id });

    expect(await outcome(people.sam.api.goals.approve.mutate({ id: goal.id }))).toBe('NOT_FOUND');
    expect((await people.sam.api.goals.pendingApproval.query()).items.map((g) => g.id)).not.toContain(goal.id);
    expect((await people.olivia.api.goals.pendingApproval.query()).items.map((g) => g.id)).toContain(goal.id);
    const approved = await people.olivia.api.goals.approve.mutate({ id: goal.id });
    expect(approved.status).toBe('ACTIVE');
  });
});
