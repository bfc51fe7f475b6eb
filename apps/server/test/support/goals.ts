/** Helpers for the goals suites: signed-in demo users, error outcomes, live goal and notification streams. */
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import type { AppRouter, GoalEvent, NotificationEvent } from '@pms/api';
import { EventLog } from './event-log.js';
import { demo, httpClient, login, wsClient, type Client, type TestServer, type WsSession } from './server.js';

export type DemoName = keyof typeof demo;

export interface Person {
  id: number;
  name: string;
  token: string;
  /** Over HTTP; `connect` opens a WebSocket with live streams. */
  api: Client;
}

export async function signIn(url: string, email: string, password?: string): Promise<Person> {
  const { token, user } = await login(url, email, password);
  return { id: user.id, name: user.name, token, api: httpClient(url, token) };
}

/** Every demo user, signed in over HTTP. */
export async function signInAll(url: string): Promise<Record<DemoName, Person>> {
  const names = Object.keys(demo) as DemoName[];
  const people = await Promise.all(names.map((name) => signIn(url, demo[name])));
  return Object.fromEntries(names.map((name, i) => [name, people[i]!])) as Record<DemoName, Person>;
}

/** The error a call fails with; fails the test if the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

/** 'ok', or the tRPC error code the call failed with. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCClientError) return String(error.data?.code);
    throw error;
  }
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
