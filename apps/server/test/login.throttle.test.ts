/**
 * Login throttling: failures in a row per account and address (a lockout), failures per address
 * and per account (hourly), counted per call on every transport, shared by instances through
 * PostgreSQL. Addresses are simulated with X-Forwarded-For behind TRUST_PROXY=1.
 */
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@pms/api';
import { DEMO_PASSWORD } from '@pms/db';
import { demo, failure, outcome, startTestServer, wsClient, type TestServer } from './support/server.js';

const WRONG = 'not-the-password';

/** A client whose requests come from `address`, as the reverse proxy reports it; without, from the socket's. */
function from(url: string, address?: string) {
  const headers = address ? { 'x-forwarded-for': address } : undefined;
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers })] });
}

const attempt = (url: string, address: string, email: string, password = DEMO_PASSWORD) =>
  outcome(from(url, address).auth.login.mutate({ email, password }));

async function failures(url: string, address: string, emails: string[]) {
  for (const email of emails) expect(await attempt(url, address, email, WRONG)).toBe('UNAUTHORIZED');
}

describe('with the default policy', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ env: { TRUST_PROXY: '1' } })));
  afterAll(() => server?.close());

  it('locks an account out of one address for 15 minutes after 10 wrong passwords, the right one included', async () => {
    await failures(server.url, '203.0.113.1', Array(10).fill(demo.alice));
    const refused = await failure(from(server.url, '203.0.113.1').auth.login.mutate({ email: demo.alice, password: DEMO_PASSWORD }));
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.httpStatus).toBe(429);
    expect(refused.message).toBe('Too many sign-in attempts; try again in 15 minutes');
    expect(refused.data?.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(refused.data?.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);

    // In HTTP's own words too, and counted for the operators.
    const raw = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.1' },
      body: JSON.stringify({ json: { email: demo.alice, password: DEMO_PASSWORD } }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const metrics = await (await fetch(server.app.metricsUrl!)).text();
    expect(metrics).toMatch(/^pms_logins_refused_total\{reason="throttled"\} 2$/m);
    expect(metrics).toMatch(/^pms_logins_refused_total\{reason="bad_credentials"\} 10$/m);

    // Neither the account elsewhere nor another account at that address is locked out.
    expect(await attempt(server.url, '198.51.100.1', demo.alice)).toBe('ok');
    expect(await attempt(server.url, '203.0.113.1', demo.bob)).toBe('ok');
  });
});

describe('per call, on every transport', () => {
  let server: TestServer;
  beforeAll(
    async () =>
      (server = await startTestServer({
        env: { TRUST_PROXY: '1', LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '3', LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: '8' },
      })),
  );
  afterAll(() => server?.close());

  it('counts every login call of one batched POST', async () => {
    const calls = 10;
    const response = await fetch(`${server.url}/trpc/${Array(calls).fill('auth.login').join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.10' },
      body: JSON.stringify(Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { json: { email: demo.carol, password: WRONG } }]))),
    });
    const answers = (await response.json()) as { error: { json: { data: { code: string } } } }[];
    const codes = answers.map((answer) => answer.error.json.data.code).sort();
    expect(codes).toEqual([...Array(3).fill('UNAUTHORIZED'), ...Array(7).fill('TOO_MANY_REQUESTS')].sort());
    expect(await attempt(server.url, '203.0.113.10', demo.carol)).toBe('TOO_MANY_REQUESTS');
  });

  it('counts logins over a WebSocket with those over HTTP from the same address', async () => {
    const socket = wsClient(server.url);
    try {
      for (let i = 0; i < 3; i++) {
        expect(await outcome(socket.client.auth.login.mutate({ email: demo.dave, password: WRONG }))).toBe('UNAUTHORIZED');
      }
      expect(await outcome(socket.client.auth.login.mutate({ email: demo.dave, password: DEMO_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    } finally {
      await socket.close();
    }
    // Over HTTP from the same machine (no proxy header: the socket's address).
    expect(await outcome(from(server.url).auth.login.mutate({ email: demo.dave, password: DEMO_PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('forgets failures in a row after the right password, and counts them again after', async () => {
    const address = '203.0.113.20';
    for (let round = 0; round < 2; round++) {
      await failures(server.url, address, [demo.sam, demo.sam]);
      expect(await attempt(server.url, address, demo.sam)).toBe('ok');
    }
    await failures(server.url, address, [demo.sam, demo.sam, demo.sam]);
    expect(await attempt(server.url, address, demo.sam)).toBe('TOO_MANY_REQUESTS');
  });

  it('slows one address guessing across accounts, known or not, and only that address', async () => {
    const address = '203.0.113.30';
    const unknown = Array.from({ length: 6 }, (_, i) => `nobody${i}@demo.pms`);
    await failures(server.url, address, [demo.admin, demo.bob, ...unknown]);
    const refused = await failure(from(server.url, address).auth.login.mutate({ email: demo.olivia, password: DEMO_PASSWORD }));
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toBe('Too many sign-in attempts; try again in 60 minutes');
    expect(await attempt(server.url, '198.51.100.30', demo.olivia)).toBe('ok');
  });
});

describe('without TRUST_PROXY', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ env: { LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '2' } })));
  afterAll(() => server?.close());

  it('ignores X-Forwarded-For, which any client can write', async () => {
    await failures(server.url, '203.0.113.60', [demo.alice]);
    await failures(server.url, '203.0.113.61', [demo.alice]);
    expect(await attempt(server.url, '203.0.113.62', demo.alice)).toBe('TOO_MANY_REQUESTS');
  });
});

describe('two instances on one database', () => {
  let a: TestServer;
  let b: TestServer;
  const env = { TRUST_PROXY: '1', LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '4', LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '5' };
  beforeAll(async () => {
    a = await startTestServer({ env });
    b = await startTestServer({ databaseUrl: a.databaseUrl, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('share the failures in a row of an account and address', async () => {
    await failures(a.url, '203.0.113.40', [demo.alice, demo.alice]);
    await failures(b.url, '203.0.113.40', [demo.alice, demo.alice]);
    expect(await attempt(b.url, '203.0.113.40', demo.alice)).toBe('TOO_MANY_REQUESTS');
    expect(await attempt(a.url, '203.0.113.40', demo.alice)).toBe('TOO_MANY_REQUESTS');
  });

  it('slow a guesser spread over many addresses, on that account only', async () => {
    const spread = ['203.0.113.51', '203.0.113.52', '203.0.113.53', '203.0.113.54', '203.0.113.55'];
    for (const [i, address] of spread.entries()) await failures(i % 2 ? a.url : b.url, address, [demo.bob]);
    const refused = await failure(from(a.url, '198.51.100.50').auth.login.mutate({ email: demo.bob, password: DEMO_PASSWORD }));
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.retryAfterSeconds).toBeGreaterThan(55 * 60);
    expect(await attempt(b.url, '198.51.100.50', demo.carol)).toBe('ok');
  });
});

describe('when the throttle cannot read its counts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production' } });
    await sql`drop table rate_limits`.execute(server.db);
  });
  afterAll(() => server?.close());

  it('refuses sign-in with a retriable error that reveals nothing internal', async () => {
    const error = await failure(from(server.url).auth.login.mutate({ email: demo.alice, password: DEMO_PASSWORD }));
    expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.data?.httpStatus).toBe(503);
    expect(error.message).toBe('Sign-in is unavailable for a moment; try again shortly');
    expect(JSON.stringify(error.shape)).not.toMatch(/rate_limits|relation|select|insert/i);
  });
});
