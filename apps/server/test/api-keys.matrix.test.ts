/**
 * Scope x procedure, over HTTP with plain fetch: EVERY procedure of the app router against a key
 * per scope (and one holding all of them). Read from `appRouter` itself, so a procedure added
 * later is checked the day it lands:
 * - without `meta.scope`, every key is refused (403, "An API key cannot call this procedure…");
 * - with one, keys lacking the scope are refused naming it, and a key holding it is let through
 *   (no input is sent: the call then fails its input check, 400, or runs; it is never 401/403);
 * - subscriptions are served over WebSocket only, where keys are not accepted: over HTTP they are
 *   refused before any credential is read;
 * - and the people side of scoped procedures: one open to administrators only refuses a
 *   supervisee, and lets an administrator through; one open to everyone lets the supervisee through.
 */
import type { AnyProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, issueApiKey, type Meta } from '@pms/api';
import { API_SCOPES, type ApiScope } from '@pms/shared';
import { demo, login, outcome, startTestServer, wsClient, type TestServer } from './support/server.js';

interface Entry {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: Meta;
}

// At run time `_def.procedures` is keyed by full path ('notifications.onEvent'); its type is the nested router.
const PROCEDURES: Entry[] = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  meta: (procedure._def.meta ?? {}) as Meta,
}));
const SCOPED = PROCEDURES.filter((p) => p.meta.scope && p.type !== 'subscription');
const UNSCOPED = PROCEDURES.filter((p) => !p.meta.scope && p.type !== 'subscription');
const SUBSCRIPTIONS = PROCEDURES.filter((p) => p.type === 'subscription');

interface Answer {
  status: number;
  message: string;
}

let server: TestServer;
const keys = new Map<string, { name: string; scopes: ApiScope[]; secret: string }>();
let adminToken: string;
let superviseeToken: string;

beforeAll(async () => {
  // Room for every call of the matrix within a minute (the limit has tests of its own).
  server = await startTestServer({ env: { API_KEY_REQUESTS_PER_MINUTE: '100000' } });
  for (const scopes of [...API_SCOPES.map((scope) => [scope]), [...API_SCOPES]]) {
    const name = scopes.length === 1 ? `only ${scopes[0]}` : 'every scope';
    const { secret } = await issueApiKey(server.db, { name, scopes, createdBy: null });
    keys.set(name, { name, scopes, secret });
  }
  adminToken = (await login(server.url, demo.admin)).token;
  superviseeToken = (await login(server.url, demo.alice)).token; // Alice reports to Sam, and is no administrator
});
afterAll(() => server?.close());

/** One call without input, as the HTTP adapter takes it: queries by GET, mutations by POST. */
async function call({ path, type }: Entry, bearer: string): Promise<Answer> {
  const init: RequestInit = { headers: { authorization: `Bearer ${bearer}` } };
  if (type === 'mutation') Object.assign(init, { method: 'POST', headers: { ...init.headers, 'content-type': 'application/json' } });
  if (type === 'subscription') Object.assign(init, { headers: { ...init.headers, accept: 'text/event-stream' } });
  const response = await fetch(`${server.url}/trpc/${path}`, init);
  const body = (await response.json()) as { error?: { json: { message: string } } };
  return { status: response.status, message: body.error?.json.message ?? '' };
}

it('reads the procedures from the router: many made for people, some open to keys', () => {
  expect(UNSCOPED.length).toBeGreaterThan(30);
  expect(SCOPED.map((p) => p.path)).toContain('notifications.connectionStats');
  expect(SCOPED.find((p) => p.path === 'notifications.connectionStats')!.meta).toMatchObject({ scope: 'connections:read', people: 'admins' });
  for (const procedure of SCOPED) expect(API_SCOPES, procedure.path).toContain(procedure.meta.scope);
});

describe('procedures made for people refuse every key', () => {
  it.each(UNSCOPED.map((p) => [p.path, p] as const))('%s', async (_, procedure) => {
    for (const key of keys.values()) {
      const answer = await call(procedure, key.secret);
      expect(answer, `${procedure.path} with the key "${key.name}"`).toEqual({
        status: 403,
        message: 'An API key cannot call this procedure: it acts for a signed-in person',
      });
    }
  });
});

describe('scoped procedures open to the keys holding their scope, and to no other key', () => {
  it.each(SCOPED.map((p) => [`${p.path} (${p.meta.scope})`, p] as const))('%s', async (_, procedure) => {
    for (const key of keys.values()) {
      const answer = await call(procedure, key.secret);
      const label = `${procedure.path} with the key "${key.name}"`;
      if (key.scopes.includes(procedure.meta.scope!)) {
        expect([401, 403], `${label}: ${answer.message}`).not.toContain(answer.status);
        expect(answer.status, `${label}: ${answer.message}`).toBeLessThan(500);
      } else {
        expect(answer, label).toEqual({ status: 403, message: `The API key "${key.name}" lacks the scope ${procedure.meta.scope}` });
      }
    }
  });

  it.each(SCOPED.map((p) => [`${p.path} (people: ${p.meta.people})`, p] as const))('%s, for people', async (_, procedure) => {
    const admin = await call(procedure, adminToken);
    expect([401, 403], `${procedure.path} for an administrator: ${admin.message}`).not.toContain(admin.status);
    const supervisee = await call(procedure, superviseeToken);
    if (procedure.meta.people === 'admins') {
      expect(supervisee, procedure.path).toEqual({ status: 403, message: 'Only administrators may do this' });
    } else {
      expect(procedure.meta.people, procedure.path).toBe('everyone');
      expect([401, 403], `${procedure.path} for a supervisee: ${supervisee.message}`).not.toContain(supervisee.status);
    }
  });
});

describe('subscriptions over HTTP', () => {
  it.each(SUBSCRIPTIONS.map((p) => [p.path, p] as const))('%s is refused to every key: WebSocket only', async (_, procedure) => {
    for (const key of keys.values()) {
      expect(await call(procedure, key.secret), `${procedure.path} with the key "${key.name}"`).toEqual({
        status: 405,
        message: 'Subscriptions are served over WebSocket only',
      });
    }
  });
});

it('over WebSocket a key is no credential at all: the socket stays without a session', async () => {
  const socket = wsClient(server.url, keys.get('every scope')!.secret);
  try {
    expect(await outcome(socket.client.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(socket.client.notifications.connectionStats.query())).toBe('UNAUTHORIZED');
  } finally {
    await socket.close();
  }
});
