import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, createWSClient, httpLink, TRPCClientError, wsLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { AppRouter, Logger } from '@pms/api';
import { createDatabase, DEMO_PASSWORD, seedDemo, type DB } from '@pms/db';
import { reconnectDelayMs, wsKeepAlive } from '@pms/shared';
import { hashPassword } from '@pms/api';
import { createApp, type App } from '../../src/app.js';
import { parseEnv } from '../../src/env.js';
import { freshDatabase } from './database.js';

export type Client = TRPCClient<AppRouter>;

export interface TestServer {
  url: string;
  app: App;
  /** Direct database access for arranging and asserting; the API is what is under test. */
  db: DB;
  databaseUrl: string;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

/** The environment a test server runs with; `overrides` uses the real variable names. */
export function testEnv(overrides: Record<string, string> = {}) {
  return parseEnv({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn', // also under NODE_ENV=production or development
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'pms-test-data-')),
    WEB_DIST: join(tmpdir(), 'pms-no-web'),
    ...overrides,
  });
}

/**
 * A real server on a random port over a fresh database seeded with the demo organisation.
 * Pass `databaseUrl` to start a second instance on the same database.
 */
export async function startTestServer(
  options: { databaseUrl?: string; env?: Record<string, string>; seed?: boolean; log?: Logger } = {},
): Promise<TestServer> {
  const database = options.databaseUrl ? null : await freshDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const db = createDatabase({ connectionString: databaseUrl, max: 4 });
  if (options.seed ?? !options.databaseUrl) await seedDemo(db, hashPassword);
  const app = await createApp(testEnv(options.env), databaseUrl, { log: options.log });
  const { url } = await app.listen();
  return {
    url,
    app,
    db,
    databaseUrl,
    close: async () => {
      await app.close();
      await db.destroy();
      await database?.drop();
    },
  };
}

/** An HTTP tRPC client, optionally authenticated with a bearer token. */
export function httpClient(url: string, token?: string): Client {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

export interface WsSession {
  client: Client;
  close(): Promise<void>;
  /** Close code and reason of the socket's last close. */
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * A WebSocket tRPC client authenticating through connectionParams, as non-browser clients do,
 * with the clients' keepalive. With `retry` it reconnects like the SPA (jittered backoff, from
 * 50-100 ms); without, it stays closed for the length of a test, so close codes can be asserted.
 */
export function wsClient(url: string, token?: string, options: { retry?: boolean } = {}): WsSession {
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const socketClient = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : null,
    keepAlive: wsKeepAlive(),
    retryDelayMs: options.retry ? (attempt) => reconnectDelayMs(attempt, { baseMs: 100 }) : () => 60_000,
    onClose: (cause) => resolveClosed({ code: cause?.code ?? 0, reason: '' }),
  });
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socketClient, transformer: superjson })] }),
    close: () => socketClient.close(),
    closed,
  };
}

/** Logs a demo user in over HTTP and returns their token and profile. */
export async function login(url: string, email: string, password = DEMO_PASSWORD) {
  return httpClient(url).auth.login.mutate({ email, password });
}

export interface Person {
  id: number;
  name: string;
  token: string;
  /** Over HTTP; `wsClient(url, person.token)` gives a WebSocket. */
  api: Client;
}

/** Signs a user in over HTTP and returns them with a client acting as them. */
export async function signIn(url: string, email: string, password?: string): Promise<Person> {
  const { token, user } = await login(url, email, password);
  return { id: user.id, name: user.name, token, api: httpClient(url, token) };
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

/** Demo users by short name, as seeded (see packages/db/src/seed.ts). */
export const demo = {
  admin: 'admin@demo.pms',
  sam: 'sam@demo.pms',
  olivia: 'olivia@demo.pms',
  alice: 'alice@demo.pms',
  bob: 'bob@demo.pms',
  carol: 'carol@demo.pms',
  dave: 'dave@demo.pms',
} as const;
