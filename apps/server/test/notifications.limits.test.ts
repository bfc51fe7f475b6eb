import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followNotifications } from './support/notifications.js';
import { meCall, rawSocket as rawSocketAt } from './support/raw-socket.js';
import { demo, httpClient, login, startTestServer, wsClient, type TestServer } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer({ env: { MAX_SUBSCRIPTIONS_PER_SOCKET: '2', MAX_SOCKETS_PER_USER: '2' } })));
afterAll(() => server.close());

const token = async (email: string) => (await login(server.url, email)).token;

const rawSocket = (query = '') => rawSocketAt(server.url, query);

/** `auth.me` as a tRPC client would send it (superjson input). */
const meQuery = JSON.stringify(meCall(1));

async function serverIsHealthy() {
  const response = await fetch(`${server.url}/healthz`);
  return response.status === 200;
}

describe('limits', () => {
  it('caps subscriptions per socket, and frees the slot when one ends', async () => {
    const socket = wsClient(server.url, await token(demo.alice));
    const [first] = [await followNotifications(socket.client), await followNotifications(socket.client)];
    const third = await followNotifications(socket.client);
    expect(await third.failure()).toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS' },
      message: 'A connection may hold at most 2 subscriptions',
    });

    first!.close();
    const { connections } = server.app.deps.realtime;
    await until(() => connections.stats().subscriptions <= 1, 'the closed subscription was dropped');
    const replacement = await followNotifications(socket.client);
    expect(replacement.error).toBeNull();
    await socket.close();
  });

  it('caps sockets per user: the one over the limit is closed with 1008', async () => {
    const bobToken = await token(demo.bob);
    const sockets = [wsClient(server.url, bobToken), wsClient(server.url, bobToken)];
    for (const socket of sockets) expect((await socket.client.auth.me.query()).email).toBe(demo.bob);
    const extra = wsClient(server.url, bobToken);
    expect((await extra.closed).code).toBe(1008);
    // The first two are unaffected.
    expect((await sockets[1]!.client.auth.me.query()).email).toBe(demo.bob);
    await Promise.all([...sockets, extra].map((socket) => socket.close()));
  });

  it('closes a socket that sends a frame over 64 KB (1009), and carries on', async () => {
    const raw = await rawSocket();
    raw.socket.send('x'.repeat(65 * 1024));
    expect((await raw.closed).code).toBe(1009);
    expect(await serverIsHealthy()).toBe(true);
  });

  it('answers a malformed frame with a parse error and keeps the socket usable', async () => {
    const raw = await rawSocket();
    raw.socket.send('{not json');
    expect(await raw.next()).toMatchObject({ id: null, error: { json: { data: { code: 'PARSE_ERROR' } } } });
    raw.socket.send(meQuery);
    expect(await raw.next()).toMatchObject({ id: 1, error: { json: { data: { code: 'UNAUTHORIZED' } } } });
    raw.socket.close();
  });

  it('answers malformed connectionParams with an error, never a crash', async () => {
    for (const params of ['{"method":"connectionParams","data":"not an object"', JSON.stringify({ method: 'connectionParams', data: { token: 42 } })]) {
      const raw = await rawSocket('?connectionParams=1');
      raw.socket.send(params);
      expect(await raw.next()).toMatchObject({ id: null, error: { json: { data: { code: 'PARSE_ERROR' } } } });
      await raw.closed;
    }

    // Well-formed, with a token that is not one of ours: the socket is simply not signed in.
    const forged = await rawSocket('?connectionParams=1');
    forged.socket.send(JSON.stringify({ method: 'connectionParams', data: { token: 'forged.token.value' } }));
    forged.socket.send(meQuery);
    expect(await forged.next()).toMatchObject({ id: 1, error: { json: { data: { code: 'UNAUTHORIZED' } } } });
    forged.socket.close();
    expect(await serverIsHealthy()).toBe(true);
  });
});

describe('ended sessions end their subscriptions', () => {
  it('logout closes the socket with 1008 and the server drops its subscriptions', async () => {
    const carolToken = await token(demo.carol);
    const socket = wsClient(server.url, carolToken);
    const log = await followNotifications(socket.client);
    const { hub } = server.app.deps.realtime;
    expect(hub.stats().subscribers).toBeGreaterThan(0);

    await httpClient(server.url, carolToken).notifications.markAllRead.mutate();
    await log.take(1);
    await httpClient(server.url, carolToken).auth.logout.mutate();
    expect((await socket.closed).code).toBe(1008);
    await until(() => hub.stats().subscribers === 0, 'the hub dropped the signed-out subscription');
    expect(server.app.deps.realtime.connections.stats()).toMatchObject({ sockets: 0, subscriptions: 0 });
    log.close();
    await socket.close();
  });

  it('a session expiring while subscribed closes its socket with 1008', async () => {
    const dave = (await login(server.url, demo.dave)).user;
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + 1500);
    await server.db.insertInto('sessions').values({ id: sessionId, user_id: dave.id, expires_at: expiresAt }).execute();
    const shortLived = await server.app.deps.tokens.sign(dave.id, sessionId, expiresAt);

    const socket = wsClient(server.url, shortLived);
    const log = await followNotifications(socket.client);
    expect((await socket.closed).code).toBe(1008);
    log.close();
    await socket.close();
  });
});
