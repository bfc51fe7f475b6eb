import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, failure, httpClient, login, startTestServer, wsClient, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(() => server.close());

describe('auth.login', () => {
  it('signs a demo user in and returns a token and profile', async () => {
    const { token, user } = await login(server.url, demo.alice);
    expect(token.split('.')).toHaveLength(3);
    expect(user).toMatchObject({ email: demo.alice, name: 'Alice Analyst', permissions: [] });
    const me = await httpClient(server.url, token).auth.me.query();
    expect(me.email).toBe(demo.alice);
  });

  it('sets an HttpOnly SameSite cookie that authenticates later requests', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: demo.bob, password: 'demo-pass-2026' } }),
    });
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pms_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: cookie.split(';')[0]! } });
    const body = (await me.json()) as { result: { data: { json: { email: string } } } };
    expect(body.result.data.json.email).toBe(demo.bob);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await failure(login(server.url, demo.alice, 'not-the-password'));
    const unknown = await failure(login(server.url, 'nobody@demo.pms', 'not-the-password'));
    expect(wrong.data?.code).toBe('UNAUTHORIZED');
    expect(unknown.data?.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.message).toBe('Email or password is incorrect');
  });

  it('names the bad fields', async () => {
    const error = await failure(httpClient(server.url).auth.login.mutate({ email: 'not-an-email', password: '' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('email must be a valid email address');
    expect(error.message).toContain('password must not be empty');
    expect(error.data?.fieldErrors).toMatchObject({ email: expect.any(String), password: expect.any(String) });
  });

  it('refuses a deactivated user with the same message', async () => {
    const admin = httpClient(server.url, (await login(server.url, demo.admin)).token);
    const created = await admin.users.create.mutate({ email: 'gone@demo.pms', name: 'Gone', password: 'password-123' });
    await admin.users.update.mutate({ id: created.id, active: false });
    const error = await failure(login(server.url, 'gone@demo.pms', 'password-123'));
    expect(error.message).toBe('Email or password is incorrect');
  });
});

describe('sessions', () => {
  it('rejects a missing, forged or tampered token with UNAUTHORIZED', async () => {
    const { token } = await login(server.url, demo.alice);
    const [head, body] = token.split('.');
    for (const bad of [undefined, 'garbage', `${head}.${body}.forged-signature`]) {
      const error = await failure(httpClient(server.url, bad).auth.me.query());
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
  });

  it('logout revokes the token and clears the cookie', async () => {
    const { token } = await login(server.url, demo.carol);
    const response = await fetch(`${server.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/^pms_session=; .*Max-Age=0/);
    const error = await failure(httpClient(server.url, token).auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('authenticates WebSocket clients through connectionParams', async () => {
    const { token } = await login(server.url, demo.dave);
    const socket = wsClient(server.url, token);
    try {
      expect((await socket.client.auth.me.query()).email).toBe(demo.dave);
    } finally {
      await socket.close();
    }
  });

  it('logout closes every socket of that session with code 1008', async () => {
    const { token } = await login(server.url, demo.dave);
    const first = wsClient(server.url, token);
    const second = wsClient(server.url, token);
    await first.client.auth.me.query();
    await second.client.auth.me.query();
    await httpClient(server.url, token).auth.logout.mutate();
    expect((await first.closed).code).toBe(1008);
    expect((await second.closed).code).toBe(1008);
  });

  it('refuses a WebSocket upgrade from a foreign Origin', async () => {
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`, { headers: { origin: 'https://evil.example' } });
    const status = await new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode!)));
    expect(status).toBe(403);
  });
});

describe('health', () => {
  it('GET /healthz says alive and nothing more', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
