/**
 * WebSocket limits: a deadline to sign in, a cap on sockets without a session, calls per
 * message, and a per-socket message rate. Each is refused with a close (or, for the cap, at
 * the upgrade) before tRPC runs anything.
 */
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meCall, rawSocket, type RawSocket } from './support/raw-socket.js';
import { demo, login, startTestServer, type TestServer } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
/** The same database, with a short deadline to sign in. */
let hurried: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({
    env: { WS_MAX_UNAUTHENTICATED: '3', WS_MAX_CALLS_PER_MESSAGE: '10', WS_MESSAGES_PER_SECOND: '5', WS_MESSAGE_BURST: '12' },
  });
  hurried = await startTestServer({ databaseUrl: server.databaseUrl, env: { WS_AUTH_TIMEOUT_MS: '300' } });
  token = (await login(server.url, demo.alice)).token;
});
afterAll(async () => {
  await hurried.close();
  await server.close();
});

/** A socket signed in with connectionParams, as API clients do. */
async function signedIn(url = server.url): Promise<RawSocket> {
  const raw = await rawSocket(url, '?connectionParams=1');
  raw.signIn(token);
  return raw;
}

/** 'closed' with the close, or 'answered' if the server answered `count` calls first. */
async function closedOrAnswered(raw: RawSocket, count: number) {
  const answers = (async () => {
    for (let i = 0; i < count; i++) await raw.next();
    return 'answered' as const;
  })();
  return Promise.race([answers, raw.closed]);
}

describe('signing in', () => {
  it('closes a socket that never sends its connectionParams', async () => {
    const silent = await rawSocket(hurried.url, '?connectionParams=1');
    expect(await silent.closed).toEqual({ code: 1008, reason: 'sign in within the deadline' });
  });

  it('closes a socket without a session, however busy it keeps, and leaves signed-in ones alone', async () => {
    const anonymous = await rawSocket(hurried.url);
    const member = await signedIn(hurried.url);
    anonymous.socket.send('PING');
    expect(await anonymous.next()).toBe('PONG');
    anonymous.socket.send(JSON.stringify(meCall(1)));
    expect(await anonymous.next()).toMatchObject({ id: 1, error: { json: { data: { code: 'UNAUTHORIZED' } } } });
    expect(await anonymous.closed).toEqual({ code: 1008, reason: 'sign in within the deadline' });

    member.socket.send(JSON.stringify(meCall(1)));
    expect(await member.next()).toMatchObject({ id: 1, result: { data: { json: { email: demo.alice } } } });
    member.socket.close();
  });

  it('refuses sockets beyond the cap of those without a session, until one signs in', async () => {
    const { connections } = server.app.deps.realtime;
    await until(() => connections.stats().unauthenticated === 0, 'the sockets of earlier tests without a session were gone');
    const waiting = [await rawSocket(server.url, '?connectionParams=1'), await rawSocket(server.url, '?connectionParams=1'), await rawSocket(server.url, '?connectionParams=1')];

    const refused = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`);
    const [error] = (await once(refused, 'error')) as [Error];
    expect(error.message).toBe('Unexpected server response: 503');

    waiting[0]!.signIn(token);
    await until(() => connections.stats().unauthenticated <= 2, 'the first waiting socket was signed in');
    const admitted = await rawSocket(server.url);
    for (const raw of [...waiting, admitted]) raw.socket.close();
    await until(() => connections.stats().unauthenticated === 0, 'the closed sockets were gone');
  });
});

describe('messages', () => {
  it(`runs up to the cap of calls in one message, and closes a socket that sends more`, async () => {
    const calls = (count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => meCall(i + 1)));
    // Each socket's burst of 12 covers its connectionParams and one full message.
    const [within, over] = [await signedIn(), await signedIn()];
    within.socket.send(calls(10));
    expect(await closedOrAnswered(within, 10)).toBe('answered');
    over.socket.send(calls(11));
    expect(await closedOrAnswered(over, 11)).toEqual({ code: 1008, reason: 'at most 10 calls per message' });
    within.socket.close();
  });

  it('closes a socket that sends faster than its rate', async () => {
    const raw = await signedIn();
    for (let id = 1; id <= 30; id++) raw.socket.send(JSON.stringify(meCall(id)));
    expect(await closedOrAnswered(raw, 30)).toEqual({ code: 1008, reason: 'at most 5 calls per second' });
  });
});
