/**
 * Cross-site request forgery: an HTTP mutation carrying the session cookie runs only when it comes
 * from the app's own origin (or CORS_ORIGINS) and as application/json. Bearer tokens, which no
 * other site can make a browser send, work from anywhere; queries stay as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify, sample, userIdOf } from './support/notifications.js';
import { demo, httpClient, startTestServer, type TestServer } from './support/server.js';

const EVIL = 'https://evil.example';
const PARTNER = 'https://app.partner.example';

let server: TestServer;
beforeAll(async () => (server = await startTestServer({ env: { CORS_ORIGINS: PARTNER } })));
afterAll(() => server?.close());

/** Signs alice in as the browser does (its cookie and token name one session), with 2 unread notifications. */
async function aliceSession() {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { email: demo.alice, password: 'demo-pass-2026' } }),
  });
  const { result } = (await response.json()) as { result: { data: { json: { token: string } } } };
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const api = httpClient(server.url, result.data.json.token);
  await api.notifications.markAllRead.mutate();
  const aliceId = await userIdOf(server.db, demo.alice);
  await notify(server.db, [sample(aliceId, 1), sample(aliceId, 2)]);
  return { cookie, token: result.data.json.token, unread: async () => (await api.notifications.stats.query()).unreadCount };
}

/** Each body a page on another site can make a browser POST (fetch sets multipart's boundary itself). */
const BODIES: Record<string, () => { body: RequestInit['body']; type?: string }> = {
  'application/json': () => ({ body: '{}', type: 'application/json' }),
  'text/plain': () => ({ body: '{}', type: 'text/plain' }),
  'multipart/form-data': () => ({ body: formData() }),
  'application/x-www-form-urlencoded': () => ({ body: 'a=1', type: 'application/x-www-form-urlencoded' }),
  'application/octet-stream': () => ({ body: new Uint8Array([1, 2, 3]), type: 'application/octet-stream' }),
};

function formData() {
  const form = new FormData();
  form.set('a', '1');
  return form;
}

async function post(path: string, kind: string, headers: Record<string, string>) {
  const { body, type } = BODIES[kind]!();
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { ...(type ? { 'content-type': type } : {}), ...headers },
    body,
  });
  const json = (await response.json()) as { error?: { json: { message: string; data: { code: string } } } };
  return { status: response.status, code: json.error?.json.data.code, message: json.error?.json.message ?? '' };
}

async function signedIn(cookie: string, origin = EVIL) {
  const response = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie, origin } });
  return response.status === 200;
}

describe('a cookie-authenticated POST', () => {
  it('from a foreign origin runs nothing, whatever its content type; with the Bearer token it runs', async () => {
    const alice = await aliceSession();
    for (const kind of Object.keys(BODIES)) {
      for (const path of ['notifications.markAllRead', 'auth.logout']) {
        const answer = await post(path, kind, { cookie: alice.cookie, origin: EVIL });
        expect(answer, `${path} as ${kind}`).toEqual({
          status: 403,
          code: 'FORBIDDEN',
          message: 'Requests from https://evil.example may not change anything here',
        });
      }
    }
    expect(await alice.unread()).toBe(2);
    expect(await signedIn(alice.cookie)).toBe(true); // queries stay open to any origin

    const withToken = await post('notifications.markAllRead', 'application/json', { authorization: `Bearer ${alice.token}`, origin: EVIL });
    expect(withToken.status).toBe(200);
    expect(await alice.unread()).toBe(0);
  });

  it('from a sibling subdomain or another site, told by Sec-Fetch-Site alone, runs nothing', async () => {
    const alice = await aliceSession();
    for (const site of ['same-site', 'cross-site']) {
      const answer = await post('notifications.markAllRead', 'application/json', { cookie: alice.cookie, 'sec-fetch-site': site });
      expect(answer.status).toBe(403);
      expect(answer.message).toBe(`Requests from another site (Sec-Fetch-Site: ${site}) may not change anything here`);
    }
    expect(await alice.unread()).toBe(2);
  });

  it('with neither Origin nor Sec-Fetch-Site runs nothing: programs use the Bearer token', async () => {
    const alice = await aliceSession();
    const answer = await post('auth.logout', 'application/json', { cookie: alice.cookie });
    expect(answer.status).toBe(403);
    expect(answer.message).toContain('Authorization: Bearer');
    expect(await signedIn(alice.cookie)).toBe(true);
  });

  it('from the app itself runs as application/json only', async () => {
    const alice = await aliceSession();
    for (const kind of Object.keys(BODIES).filter((kind) => kind !== 'application/json')) {
      const answer = await post('notifications.markAllRead', kind, { cookie: alice.cookie, origin: server.url });
      expect(answer.status, kind).toBe(403);
      expect(answer.message).toMatch(/^Send calls that change data as application\/json/);
    }
    expect(await alice.unread()).toBe(2);

    expect((await post('notifications.markAllRead', 'application/json', { cookie: alice.cookie, origin: server.url })).status).toBe(200);
    expect(await alice.unread()).toBe(0);
    // A browser that omits Origin on a same-origin request still says where it came from.
    expect((await post('notifications.markAllRead', 'application/json', { cookie: alice.cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    // So may a configured origin (CORS_ORIGINS).
    expect((await post('auth.logout', 'application/json', { cookie: alice.cookie, origin: PARTNER })).status).toBe(200);
    expect(await signedIn(alice.cookie)).toBe(false);
  });
});

describe('signing in', () => {
  it('from a foreign page is refused, so no site can sign a visitor into its own account', async () => {
    const answer = await post('auth.login', 'application/json', { origin: EVIL });
    expect(answer).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
