/**
 * What an operator sees: JSON log lines (instance, request and user ids; never a credential),
 * Prometheus metrics on a port of their own, and a liveness probe that reveals nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@pms/db';
import { capturedLog } from './support/log-lines.js';
import { followNotifications, notify, sample, userIdOf } from './support/notifications.js';
import { demo, failure, httpClient, login, startTestServer, wsClient, type TestServer } from './support/server.js';

const INSTANCE_ID = 'ops-test-instance-7';
/** The server's logger: every line it writes, and a wait for the one a test expects. */
const { log, written, lineWhere } = capturedLog(INSTANCE_ID);
let server: TestServer;
let alice: number;

beforeAll(async () => {
  server = await startTestServer({ log, env: { INSTANCE_ID } });
  alice = await userIdOf(server.db, demo.alice);
});
afterAll(() => server.close());

/** The value of one sample in Prometheus' text format, e.g. `metric(text, 'x_total', 'topic="goal"')`. */
function metric(text: string, name: string, labels?: string): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

async function scrape(): Promise<string> {
  const response = await fetch(server.app.metricsUrl!);
  expect(response.status).toBe(200);
  return response.text();
}

describe('metrics', () => {
  it('serves sockets, subscriptions, deliveries, latency, pool, listener and refused logins on the metrics port', async () => {
    const before = await scrape();
    await failure(login(server.url, demo.alice, 'not-the-password'));
    const socket = wsClient(server.url, (await login(server.url, demo.alice)).token);
    const log = await followNotifications(socket.client);
    // One at a time: the second is certainly handed over live by the hub (the first may be read),
    // from its announcement, which carries it.
    for (const n of [1, 2]) {
      await notify(server.db, [sample(alice, n)]);
      await log.take(1);
    }
    const after = await scrape();
    log.close();
    await socket.close();

    const grew = (name: string, labels?: string) => metric(after, name, labels)! - metric(before, name, labels)!;
    expect(metric(after, 'pms_websocket_sockets')).toBe(1);
    expect(metric(after, 'pms_websocket_users')).toBe(1);
    expect(metric(after, 'pms_subscriptions')).toBe(1);
    expect(grew('pms_events_delivered_total', 'topic="notification"')).toBe(2);
    expect(grew('pms_events_delivered_total', 'topic="goal"')).toBe(0);
    expect(grew('pms_event_delivery_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(grew('pms_stream_announcements_total', 'events="carried"')).toBe(2);
    expect(grew('pms_stream_announcements_total', 'events="read"')).toBe(0);
    expect(metric(after, 'pms_event_delivery_latency_seconds_sum')).toBeGreaterThanOrEqual(0);
    expect(grew('pms_logins_refused_total', 'reason="bad_credentials"')).toBe(1);
    expect(metric(after, 'pms_logins_refused_total', 'reason="throttled"')).toBe(0);
    expect(metric(after, 'pms_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'pms_db_pool_idle')).toBeGreaterThanOrEqual(0);
    expect(metric(after, 'pms_db_pool_waiting')).toBe(0);
    expect(metric(after, 'pms_listener_up')).toBe(1);
    expect(metric(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(after).toContain('nodejs_eventloop_lag_seconds');
  });

  it('listens on loopback by default, and never on the public port', async () => {
    expect(new URL(server.app.metricsUrl!).hostname).toBe('127.0.0.1');
    const response = await fetch(`${server.url}/metrics`);
    expect(await response.text()).not.toContain('pms_');
  });
});

describe('liveness', () => {
  it('GET /healthz answers ok and names nothing internal', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ status: 'ok' });
    expect(body).not.toContain(INSTANCE_ID);
  });
});

describe('logs', () => {
  async function post(path: string, input: unknown, headers: Record<string, string> = {}) {
    return fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ json: input }),
    });
  }

  it('logs each request as JSON with the instance, its request id and its user, never a credential', async () => {
    const loginResponse = await post('auth.login', { email: demo.alice, password: DEMO_PASSWORD }, { 'x-request-id': 'trace-login-42' });
    expect(loginResponse.headers.get('x-request-id')).toBe('trace-login-42');
    const { result } = (await loginResponse.json()) as { result: { data: { json: { token: string } } } };
    const token = result.data.json.token;

    // A request id that is not a short safe token is replaced with one of ours.
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: `pms_session=${token}`, 'x-request-id': 'not safe; 42' } });
    expect(me.status).toBe(200);
    const meId = me.headers.get('x-request-id')!;
    expect(meId).toMatch(/^[0-9a-f-]{36}$/);
    await httpClient(server.url, token).notifications.stats.query();
    const socket = wsClient(server.url, token);
    await socket.client.auth.me.query();
    await socket.close();
    // The redaction net, for a careless call.
    server.app.deps.log.info({ password: DEMO_PASSWORD, user: { token }, headers: { cookie: `pms_session=${token}` } }, 'careless');

    expect(await lineWhere((l) => l.reqId === 'trace-login-42')).toMatchObject({ instance: INSTANCE_ID, level: 'info', path: '/trpc/auth.login', status: 200, userId: null });
    expect(await lineWhere((l) => l.reqId === meId)).toMatchObject({ instance: INSTANCE_ID, path: '/trpc/auth.me', status: 200, userId: alice });
    expect(await lineWhere((l) => l.path === '/trpc/notifications.stats')).toMatchObject({ userId: alice, reqId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await lineWhere((l) => l.msg === 'careless')).toMatchObject({ password: '[redacted]', user: { token: '[redacted]' }, headers: '[redacted]' });

    for (const text of written) {
      expect(JSON.parse(text)).toMatchObject({ instance: INSTANCE_ID, time: expect.any(String), level: expect.any(String) });
      expect(text).not.toContain(token);
      expect(text).not.toContain(DEMO_PASSWORD);
      expect(text).not.toContain('pms_session');
    }
  });

  it('logs an unexpected error with its stack and user, and its request id (HTTP) or connection (WebSocket)', async () => {
    const { token } = await login(server.url, demo.bob);
    const bob = await userIdOf(server.db, demo.bob);
    const socket = wsClient(server.url, token);
    await socket.client.auth.me.query();
    // Queries that cannot work: their table is gone for a moment.
    await sql`alter table notifications rename to notifications_away`.execute(server.db);
    const [response, overSocket] = await Promise.all([
      fetch(`${server.url}/trpc/notifications.list`, { headers: { authorization: `Bearer ${token}` } }),
      failure(socket.client.notifications.stats.query()),
    ]).finally(() => sql`alter table notifications_away rename to notifications`.execute(server.db));
    await socket.close();
    expect(response.status).toBe(500);
    expect(overSocket.data?.code).toBe('INTERNAL_SERVER_ERROR');
    const reqId = response.headers.get('x-request-id');

    const line = await lineWhere((l) => l.level === 'error' && l.reqId === reqId);
    expect(line).toMatchObject({ instance: INSTANCE_ID, msg: 'unexpected error', path: 'notifications.list', userId: bob });
    expect(line.err.stack).toContain('notifications');
    const wsLine = await lineWhere((l) => l.level === 'error' && l.path === 'notifications.stats');
    expect(wsLine).toMatchObject({ instance: INSTANCE_ID, connectionId: expect.any(Number), userId: bob, err: { stack: expect.any(String) } });
    for (const text of written) expect(text).not.toContain(token);
  });
});
