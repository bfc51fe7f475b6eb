/**
 * Model-based test of the goals workflow (fast-check commands) against a real server: random
 * sequences of create, assign, submit, approve, reject, accept, decline, reassign, cancel, progress and
 * complete, by random demo users, on a few goals, some calls repeated as a client retrying would.
 * The hand-written model (support/goals-model.ts) predicts each answer; after every command the
 * goal's status and history, the notifications sent (recipient and type, never the actor) and
 * the unread counts of notifications.stats must match it. A request (the approver's "awaiting your
 * approval", the owner's "assigned to you") leaves the unread counts once decided: resolved.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { NotificationType } from '@pms/shared';
import { predict, SUPERVISOR, told, WORKFLOW, type Action, type ModelGoal, type Outcome } from './support/goals-model.js';
import { useDemoServer, type DemoName } from './support/goals.js';
import { outcome } from './support/server.js';

const RUNS = 25;
const MAX_COMMANDS = 16;
const MAX_GOALS = 5;

const { server, people } = useDemoServer();

/** The request a goal waiting in this state has open (see goals/requests.ts). */
const REQUEST_OF: Partial<Record<string, NotificationType>> = { PENDING_APPROVAL: 'GOAL_SUBMITTED', PENDING_ACCEPTANCE: 'GOAL_ASSIGNED' };
const NAMES = Object.keys(SUPERVISOR) as DemoName[];

interface Model {
  goals: ModelGoal[];
  /** Unread notifications per user and type, as notifications.stats should report them. */
  unread: Record<DemoName, Partial<Record<NotificationType, number>>>;
  /** The newest notification id already accounted for. */
  seenNotificationId: number;
  /** Each goal's open requests: who received them, of which type (they are unread until decided). */
  requests: Map<number, Array<[DemoName, NotificationType]>>;
  /** The last call made, for retries. */
  lastCall: GoalCall | null;
}

/** Who acts: mostly one of the goal's parties (so most calls mean something), sometimes anyone. */
type Who = 'owner' | 'creator' | 'supervisor' | DemoName;

interface GoalCall {
  slot: number;
  actor: DemoName;
  action: Action;
  reason: string | null;
  progress?: number;
}

type Real = Record<string, never>;

/** Each run starts from two fresh goals in play: Alice's own, awaiting Sam, and one Sam assigned to Bob. */
async function startingGoals(): Promise<ModelGoal[]> {
  const mine = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Model goal' });
  const assigned = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Model goal' });
  return [
    { id: mine.id, owner: 'alice', creator: 'alice', status: 'PENDING_APPROVAL', history: 1, last: { action: 'create', actor: 'alice', reason: null } },
    { id: assigned.id, owner: 'bob', creator: 'sam', status: 'PENDING_ACCEPTANCE', history: 1, last: { action: 'assign', actor: 'sam', reason: null } },
  ];
}

async function newModel(): Promise<Model> {
  const goals = await startingGoals();
  const unread = {} as Model['unread'];
  for (const name of NAMES) {
    const stats = await people[name].api.notifications.stats.query();
    unread[name] = Object.fromEntries(Object.entries(stats.byType).map(([type, counts]) => [type, counts.unread]));
  }
  const { max } = await server.db.selectFrom('notifications').select((eb) => eb.fn.max('id').as('max')).executeTakeFirstOrThrow();
  const requests = new Map<number, Array<[DemoName, NotificationType]>>([
    [goals[0]!.id, [['sam', 'GOAL_SUBMITTED']]],
    [goals[1]!.id, [['bob', 'GOAL_ASSIGNED']]],
  ]);
  return { goals, unread, seenNotificationId: Number(max ?? 0), requests, lastCall: null };
}

/** The notifications committed since the last check, as sorted "recipient:type" pairs. */
async function newNotifications(model: Model): Promise<string[]> {
  const rows = await server.db
    .selectFrom('notifications')
    .select(['id', 'recipient_id as recipientId', 'type', sql<number>`(data->>'actorId')::int`.as('actorId')])
    .where('id', '>', model.seenNotificationId)
    .orderBy('id')
    .execute();
  if (rows.length) model.seenNotificationId = rows.at(-1)!.id;
  const nameOf = (id: number) => NAMES.find((name) => people[name].id === id) ?? `user ${id}`;
  return rows.map((row) => `${nameOf(row.recipientId)}:${row.type}`).sort();
}

/** Checks what the change left behind against the model, then books the expected notifications. */
async function expectEffects(model: Model, goal: ModelGoal, actor: DemoName, expected: Array<[DemoName, NotificationType]>) {
  const real = await server.db
    .selectFrom('goals')
    .select(['status', sql<number>`(select count(*)::int from goal_history h where h.goal_id = goals.id)`.as('history')])
    .where('id', '=', goal.id)
    .executeTakeFirstOrThrow();
  expect(real, `goal ${goal.id}`).toEqual({ status: goal.status, history: goal.history });
  expect(await newNotifications(model), 'notifications sent').toEqual(expected.map(([to, type]) => `${to}:${type}`).sort());
  for (const [to, type] of expected) {
    model.unread[to][type] = (model.unread[to][type] ?? 0) + 1;
    if (REQUEST_OF[goal.status] === type) model.requests.set(goal.id, [...(model.requests.get(goal.id) ?? []), [to, type]]);
  }
  // The counts of everyone concerned, the actor included (never told of their own action).
  const concerned = new Set<DemoName>([actor, goal.owner, goal.creator, ...expected.map(([to]) => to)]);
  for (const name of concerned) {
    const stats = await people[name].api.notifications.stats.query();
    const byType = Object.fromEntries(Object.entries(stats.byType).map(([type, counts]) => [type, counts.unread]));
    expect(byType, `unread of ${name}`).toEqual({ ...byType, ...model.unread[name] });
    expect(stats.unreadCount).toBe(Object.values(model.unread[name]).reduce((sum: number, n) => sum + (n ?? 0), 0));
  }
}

class CreateGoal implements fc.AsyncCommand<Model, Real> {
  constructor(readonly owner: DemoName) {}
  check = (m: Readonly<Model>) => m.goals.length < MAX_GOALS;
  async run(m: Model) {
    const created = await people[this.owner].api.goals.create.mutate({ type: 'INDIVIDUAL', title: `Model goal ${m.goals.length}` });
    // A top administrator answers to no one: their personal goals start active.
    const status = SUPERVISOR[this.owner] === null ? 'ACTIVE' : 'PENDING_APPROVAL';
    expect(created.status).toBe(status);
    const goal: ModelGoal = { id: created.id, owner: this.owner, creator: this.owner, status, history: 1, last: { action: 'create', actor: this.owner, reason: null } };
    m.goals.push(goal);
    await expectEffects(m, goal, this.owner, status === 'PENDING_APPROVAL' ? told(goal, this.owner, [['supervisor', 'GOAL_SUBMITTED']]) : []);
  }
  toString = () => `create(${this.owner})`;
}

class AssignGoal implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly actor: DemoName,
    readonly assignee: DemoName,
  ) {}
  check = (m: Readonly<Model>) => m.goals.length < MAX_GOALS;
  async run(m: Model) {
    const call = people[this.actor].api.goals.assign.mutate({ superviseeId: people[this.assignee].id, title: `Model goal ${m.goals.length}` });
    if (SUPERVISOR[this.assignee] !== this.actor) {
      expect(await outcome(call)).toBe('FORBIDDEN');
      expect(await newNotifications(m)).toEqual([]);
      return;
    }
    const created = await call;
    const goal: ModelGoal = {
      id: created.id,
      owner: this.assignee,
      creator: this.actor,
      status: 'PENDING_ACCEPTANCE',
      history: 1,
      last: { action: 'assign', actor: this.actor, reason: null },
    };
    expect(created.status).toBe(goal.status);
    m.goals.push(goal);
    await expectEffects(m, goal, this.actor, told(goal, this.actor, [['owner', 'GOAL_ASSIGNED']]));
  }
  toString = () => `assign(${this.actor} -> ${this.assignee})`;
}

function send(call: GoalCall, id: number): Promise<{ status: string }> {
  const api = people[call.actor].api.goals;
  const reason = call.reason ?? undefined;
  switch (call.action) {
    case 'submit':
      return api.submit.mutate({ id });
    case 'approve':
      return api.approve.mutate({ id });
    case 'reject':
      return api.reject.mutate({ id, reason: call.reason ?? '' });
    case 'accept':
      return api.accept.mutate({ id });
    case 'decline':
      return api.decline.mutate({ id, reason: call.reason ?? '' });
    case 'reassign':
      return api.reassign.mutate({ id });
    case 'updateProgress':
      return api.updateProgress.mutate({ id, progress: call.progress! });
    case 'complete':
      return api.complete.mutate({ id });
    case 'cancel':
      return api.cancel.mutate({ id, reason });
  }
}

function resolve(who: Who, goal: ModelGoal): DemoName {
  if (who === 'owner' || who === 'creator') return goal[who];
  // Only the administrator has no supervisor; someone unrelated stands in.
  if (who === 'supervisor') return SUPERVISOR[goal.owner] ?? 'dave';
  return who;
}

/** Makes the call and checks the answer and its effects against the model, which it then moves on. */
async function perform(m: Model, call: GoalCall) {
  m.lastCall = call;
  const goal = m.goals[call.slot]!;
  // Progress to 100 completes the goal: the server records it as `complete`.
  const action = call.action === 'updateProgress' && call.progress === 100 ? 'complete' : call.action;
  const expected: Outcome = predict(goal, call.actor, action, call.reason);
  const actual = await outcome(send(call, goal.id));
  expect(actual, `${call.actor} ${call.action} a goal ${goal.status}`).toBe(expected === 'retry' ? 'ok' : expected);
  // Refusals, and retries of a decision already made, leave nothing behind.
  if (expected !== 'ok') return expectEffects(m, goal, call.actor, []);

  const step = WORKFLOW[action];
  // Leaving the state that waits for a decision decides its requests: they leave the unread counts.
  if (step.to && step.to !== goal.status) {
    for (const [to, type] of m.requests.get(goal.id) ?? []) m.unread[to][type]! -= 1;
    m.requests.delete(goal.id);
  }
  goal.status = step.to ?? goal.status;
  goal.history += 1;
  goal.last = { action, actor: call.actor, reason: call.reason };
  await expectEffects(m, goal, call.actor, told(goal, call.actor, step.tell));
}

/** One call on one of the goals in play, by one of its parties or anyone. */
class ChangeGoal implements fc.AsyncCommand<Model, Real> {
  constructor(readonly call: Omit<GoalCall, 'actor'> & { who: Who }) {}
  check = (m: Readonly<Model>) => m.goals.length > 0;
  run(m: Model) {
    const slot = this.call.slot % m.goals.length;
    return perform(m, { ...this.call, slot, actor: resolve(this.call.who, m.goals[slot]!) });
  }
  toString = () => {
    const { who: by, action, slot: n, reason, progress } = this.call;
    return `${by} ${action}(#${n}${reason ? `, "${reason}"` : ''}${progress ? `, ${progress}%` : ''})`;
  };
}

/** The previous call again, as a client retrying it after a lost answer. */
class RetryLastCall implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.lastCall !== null;
  run = (m: Model) => perform(m, m.lastCall!);
  toString = () => 'retry the last call';
}

const anyone = fc.constantFrom<DemoName>('alice', 'bob', 'carol', 'sam', 'olivia', 'admin');
const who: fc.Arbitrary<Who> = fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Who>('owner', 'creator', 'supervisor') }, { weight: 1, arbitrary: anyone });
const slot = fc.nat({ max: MAX_GOALS - 1 });
const goalCall = (action: Action, reasons: Array<string | null> = [null], progress?: fc.Arbitrary<number>) =>
  fc
    .record({ slot, who, reason: fc.constantFrom(...reasons), progress: progress ?? fc.constant(undefined) })
    .map(({ progress: p, ...call }) => new ChangeGoal({ ...call, action, ...(p === undefined ? {} : { progress: p }) }));
/** Mostly a supervisor assigning to one of their reports. */
const assignment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<[DemoName, DemoName]>(['sam', 'alice'], ['sam', 'bob'], ['olivia', 'carol'], ['admin', 'sam']) },
  { weight: 1, arbitrary: fc.tuple(anyone, fc.constantFrom<DemoName>('alice', 'bob', 'carol', 'sam')) },
);

const commands = [
  fc.constantFrom<DemoName>('alice', 'bob', 'carol', 'sam', 'admin').map((owner) => new CreateGoal(owner)),
  assignment.map(([by, to]) => new AssignGoal(by, to)),
  goalCall('submit'),
  goalCall('approve'),
  goalCall('approve'),
  // A blank reason, now and then: refused before anything else.
  goalCall('reject', ['Too vague', 'Too vague', 'Too vague', '']),
  goalCall('accept'),
  goalCall('accept'),
  goalCall('decline', ['No capacity', 'No capacity', 'No capacity', '']),
  goalCall('reassign'),
  goalCall('updateProgress', [null], fc.constantFrom(10, 60, 100)),
  goalCall('updateProgress', [null], fc.constantFrom(10, 60, 100)),
  goalCall('complete'),
  goalCall('cancel', [null, 'Plans changed']),
  fc.constant(new RetryLastCall()),
];

it(`follows the model through ${RUNS} random sequences of up to ${MAX_COMMANDS} calls`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' }), (cmds) =>
      fc.asyncModelRun(async () => ({ model: await newModel(), real: {} }), cmds),
    ),
    // fast-check's failure report gives the seed and path that replay it (pass them here as { seed, path }).
    { numRuns: RUNS },
  );
}, 120_000);
