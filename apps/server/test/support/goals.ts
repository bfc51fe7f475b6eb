/**
 * Helpers for the goals suites: a server with the demo users signed in, goals brought to each
 * status, live goal and notification streams.
 */
import { afterAll, beforeAll } from 'vitest';
import type { GoalEvent, NotificationEvent, RouterOutputs } from '@pms/api';
import type { GoalStatus } from '@pms/shared';
import { EventLog } from './event-log.js';
import { demo, signIn, startTestServer, wsClient, type Client, type Person, type TestServer, type WsSession } from './server.js';

export type DemoName = keyof typeof demo;

export type People = Record<DemoName, Person>;

/** Every demo user, signed in over HTTP. */
export async function signInAll(url: string): Promise<People> {
  const names = Object.keys(demo) as DemoName[];
  const people = await Promise.all(names.map((name) => signIn(url, demo[name])));
  return Object.fromEntries(names.map((name, i) => [name, people[i]!])) as People;
}

/** A user the admin adds (with `supervisorId` as their supervisor, or none), signed in. */
export async function addPerson(url: string, admin: Person, user: { email: string; name: string; supervisorId: number | null }) {
  const password = 'password-123';
  await admin.api.users.create.mutate({ ...user, password });
  return signIn(url, user.email, password);
}

interface Closable {
  close(): unknown;
}

/**
 * The suite set-up the goals files share: one server over a fresh seeded database for the
 * file, every demo user signed in. Registers beforeAll/afterAll and returns objects that
 * beforeAll fills in, so read them inside tests and hooks only. `closeAfterAll(thing)` returns
 * `thing` and closes it (a socket, a live stream) before the server stops.
 */
export function useDemoServer() {
  const server = {} as TestServer;
  const people = {} as People;
  const open: Closable[] = [];
  beforeAll(async () => {
    Object.assign(server, await startTestServer());
    Object.assign(people, await signInAll(server.url));
  });
  afterAll(async () => {
    await Promise.all(open.map((thing) => thing.close()));
    await server.close?.();
  });
  const closeAfterAll = <T extends Closable>(thing: T): T => {
    open.push(thing);
    return thing;
  };
  return { server, people, closeAfterAll };
}

export type Goal = RouterOutputs['goals']['create'];
/** Moves a goal, through the API, from where its family starts to one status; resolves to the goal then. */
export type Reach = (goal: Goal) => Promise<Goal>;

export interface GoalFamily {
  /** A new goal, as the family's goals start. */
  start(): Promise<Goal>;
  reach: Partial<Record<GoalStatus, Reach>>;
}

/**
 * Alice's goals, made and moved by the people entitled to: her own personal goal, which Sam
 * (her supervisor) decides, and one Sam assigns to her.
 */
export function aliceGoals(people: People) {
  const personal: GoalFamily = {
    start: () => people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Personal goal' }),
    reach: {
      PENDING_APPROVAL: async (goal) => goal,
      REJECTED: (goal) => people.sam.api.goals.reject.mutate({ id: goal.id, reason: 'Too vague' }),
      ACTIVE: (goal) => people.sam.api.goals.approve.mutate({ id: goal.id }),
      COMPLETED: async (goal) => {
        await people.sam.api.goals.approve.mutate({ id: goal.id });
        return people.alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 100 });
      },
      CANCELLED: (goal) => people.alice.api.goals.cancel.mutate({ id: goal.id }),
    },
  };
  const assigned: GoalFamily = {
    start: () => people.sam.api.goals.assign.mutate({ superviseeId: people.alice.id, title: 'Assigned goal' }),
    reach: {
      PENDING_ACCEPTANCE: async (goal) => goal,
      DECLINED: (goal) => people.alice.api.goals.decline.mutate({ id: goal.id, reason: 'No capacity' }),
      ACTIVE: (goal) => people.alice.api.goals.accept.mutate({ id: goal.id }),
      COMPLETED: async (goal) => {
        await people.alice.api.goals.accept.mutate({ id: goal.id });
        return people.alice.api.goals.complete.mutate({ id: goal.id });
      },
      CANCELLED: (goal) => people.sam.api.goals.cancel.mutate({ id: goal.id, reason: 'Plans changed' }),
    },
  };
  return { personal, assigned };
}

/** A new goal of `family` in `status`. */
export async function goalIn(family: GoalFamily, status: GoalStatus): Promise<Goal> {
  const reach = family.reach[status];
  if (!reach) throw new Error(`this family's goals never reach ${status}`);
  return reach(await family.start());
}

export interface Live {
  person: Person;
  socket: WsSession;
  /** The tRPC client on this socket: calls made through it travel over the WebSocket. */
  api: Client;
  goals: EventLog<GoalEvent>;
  notifications: EventLog<NotificationEvent>;
  close(): Promise<void>;
}

/**
 * A person on a WebSocket with `goals.onEvent` and `notifications.onEvent` subscribed from
 * their stream's current head, so everything committed afterwards arrives and nothing before.
 */
export async function connect(server: TestServer, person: Person): Promise<Live> {
  const { last_event_seq: head } = await server.db
    .selectFrom('users')
    .select('last_event_seq')
    .where('id', '=', person.id)
    .executeTakeFirstOrThrow();
  const socket = wsClient(server.url, person.token);
  const [goals, notifications] = await Promise.all([
    EventLog.open(socket.client.goals.onEvent, String(head)),
    EventLog.open(socket.client.notifications.onEvent, String(head)),
  ]);
  return {
    person,
    socket,
    api: socket.client,
    goals,
    notifications,
    close: async () => {
      goals.close();
      notifications.close();
      await socket.close();
    },
  };
}
