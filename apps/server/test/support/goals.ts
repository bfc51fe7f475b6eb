/** Helpers for the goals suites: signed-in demo users and error outcomes. */
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import type { AppRouter } from '@pms/api';
import { demo, httpClient, login, type Client } from './server.js';

export type DemoName = keyof typeof demo;

export interface Person {
  id: number;
  name: string;
  token: string;
  /** Over HTTP; `connect` opens a WebSocket when a test needs one. */
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
