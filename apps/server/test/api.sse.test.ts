/**
 * GET /api/v1/notifications/events, read with a raw HTTP client (support/sse.ts parses the
 * frames): plain JSON events with their id and kind, resumed after Last-Event-ID with nothing
 * missed or doubled, on any instance; the session's rules (revoked: the stream ends), the
 * per-person connection limit, keepalive comments, and clear refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '@pms/api';
import { notify, sample } from './support/notifications.js';
import { demo, signIn, startTestServer, type Person, type TestServer } from './support/server.js';
import { SseStream, type SseEvent } from './support/sse.js';
import { until } from './support/until.js';

let a: TestServer;
/** A second instance on the same database, quick to send keepalives, holding at most 2 connections per person. */
let b: TestServer;
const streams: SseStream[] = [];

beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer({ databaseUrl: a.databaseUrl, env: { WS_PING_AFTER_MS: '200', MAX_SOCKETS_PER_USER: '2' } });
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await b?.close();
  await a?.close();
});

const PATH = '/api/v1/notifications/events';

async function open(on: TestServer, headers: Record<string, string>, query = ''): Promise<SseStream> {
  const stream = await SseStream.open(`${on.url}${PATH}${query}`, headers);
  streams.push(stream);
  return stream;
}

const bearer = (person: Person, more: Record<string, string> = {}) => ({ authorization: `Bearer ${person.token}`, ...more });

/** Opens the person's stream and takes its `ready` event. */
async function follow(on: TestServer, person: Person, more: Record<string, string> = {}, query = '') {
  const stream = await open(on, bearer(person, more), query);
  expect(stream.status).toBe(200);
  const [ready] = await stream.take(1);
  expect(ready).toMatchObject({ event: 'ready', data: { lastEventId: ready!.id } });
  return { stream, ready: ready! };
}

/** The `n` of created-notification events (see `sample`). */
const numbers = (events: SseEvent[]) => events.map((event) => (event.event === 'created' ? event.data.notification.data.n : event.event));

describe('the event stream', () => {
  it('sends plain JSON events with their id and kind, and resumes after Last-Event-ID with nothing missed or doubled', async () => {
    const carol = await signIn(a.url, demo.carol);
    const { stream: live, ready } = await follow(a, carol);
    expect(live.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');

    await notify(a.db, [sample(carol.id, 1)]);
    await notify(a.db, [sample(carol.id, 2), sample(carol.id, 3)]);
    const first = await live.take(3);
    expect(numbers(first)).toEqual([1, 2, 3]);
    expect(first[0]!.data).toMatchObject({ kind: 'created', notification: { title: 'Notification 1', type: 'GOAL_SUBMITTED', readAt: null } });
    // Plain JSON: dates as ISO text, no superjson envelope.
    expect(first[0]!.data.notification.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first[0]!.data.json).toBeUndefined();
    const ids = first.map((event) => Number(event.id));
    expect(ids[0]).toBeGreaterThan(Number(ready.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    live.close();

    // Missed while away, then live again.
    await notify(a.db, [sample(carol.id, 4)]);
    await notify(a.db, [sample(carol.id, 5)]);
    const { stream: resumed, ready: resumedAt } = await follow(a, carol, { 'last-event-id': first[1]!.id! });
    expect(resumedAt.id).toBe(first[1]!.id);
    await notify(a.db, [sample(carol.id, 6)]);
    expect(numbers(await resumed.take(4))).toEqual([3, 4, 5, 6]);
    await notify(a.db, [sample(carol.id, 7)]);
    expect(numbers(await resumed.take(1))).toEqual([7]);
    resumed.close();

    // The query parameter, for clients that cannot set headers; from the first stream's start: everything once.
    const { stream: replay } = await follow(a, carol, {}, `?lastEventId=${ready.id}`);
    expect(numbers(await replay.take(7))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await notify(a.db, [sample(carol.id, 8)]);
    expect(numbers(await replay.take(1))).toEqual([8]);
    replay.close();
  });

  it('tells a stream on another instance what the person did elsewhere', async () => {
    const dave = await signIn(a.url, demo.dave);
    const { stream } = await follow(b, dave);
    const [id] = await notify(a.db, [sample(dave.id, 1)]);
    await dave.api.notifications.markRead.mutate({ id: id! }); // on instance A, over tRPC
    const [created, read] = await stream.take(2);
    expect(created).toMatchObject({ event: 'created', data: { notification: { id } } });
    expect(read).toMatchObject({ event: 'read', data: { kind: 'read', ids: [id] } });
    expect(Number(read!.id)).toBe(Number(created!.id) + 1);
    stream.close();
  });

  it('ends when its session is revoked, on every instance, and the session opens no stream after', async () => {
    const bob = await signIn(a.url, demo.bob);
    const here = (await follow(a, bob)).stream;
    const there = (await follow(b, bob)).stream;
    await bob.api.auth.logout.mutate();
    for (const stream of [here, there]) {
      expect(await stream.take(1)).toEqual([{ id: null, event: 'end', data: { reason: 'session ended' } }]);
      await stream.ended();
    }
    const refused = await open(a, bearer(bob));
    expect(refused.status).toBe(401);
  });

  it('is one of the person’s live connections: at most MAX_SOCKETS_PER_USER', async () => {
    const olivia = await signIn(a.url, demo.olivia);
    const held = [(await follow(b, olivia)).stream, (await follow(b, olivia)).stream];
    expect([...b.app.deps.realtime.connections.ofUser(olivia.id)]).toHaveLength(2);
    const third = await open(b, bearer(olivia));
    expect(third.status).toBe(429);
    expect((await third.json()).message).toBe('A person may hold at most 2 live connections (WebSockets and event streams) per server');
    held[0]!.close();
    // Its slot is free once the server has seen it go.
    await until(() => [...b.app.deps.realtime.connections.ofUser(olivia.id)].length <= 1, 'the server saw the closed stream go');
    const again = await follow(b, olivia);
    again.stream.close();
    held[1]!.close();
  });

  it('gets a keepalive comment when quiet', async () => {
    const sam = await signIn(a.url, demo.sam);
    const { stream } = await follow(b, sam); // b sends one after 200 ms of quiet
    expect(await stream.comment()).toBe('keepalive');
    stream.close();
  });

  it('ends with "server shutting down" when its instance stops; the client resumes on another with its Last-Event-ID', async () => {
    const alice = await signIn(a.url, demo.alice);
    const c = await startTestServer({ databaseUrl: a.databaseUrl });
    const { stream } = await follow(c, alice);
    await notify(a.db, [sample(alice.id, 1)]);
    const [first] = await stream.take(1);
    await c.close();
    expect(await stream.take(1)).toEqual([{ id: null, event: 'end', data: { reason: 'server shutting down' } }]);
    await stream.ended();

    await notify(a.db, [sample(alice.id, 2)]);
    await notify(a.db, [sample(alice.id, 3)]);
    const { stream: resumed } = await follow(a, alice, { 'last-event-id': first!.id! });
    expect(numbers(await resumed.take(2))).toEqual([2, 3]);
    resumed.close();
  });
});

describe('refusals', () => {
  it('refuses no session, a forged one and a token in the URL, saying how to authenticate', async () => {
    const anonymous = await open(a, {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ code: 'UNAUTHORIZED', message: 'Sign in, then send Authorization: Bearer <session token>' });
    expect((await open(a, { authorization: 'Bearer not-a-token' })).status).toBe(401);

    const dave = await signIn(a.url, demo.dave);
    const inUrl = await open(a, {}, `?token=${dave.token}`);
    expect(inUrl.status).toBe(400);
    expect((await inUrl.json()).message).toBe('Send the session token as Authorization: Bearer <token>, never in the URL');
  });

  it('refuses API keys: a key stands for a service, not a person', async () => {
    const { secret } = await issueApiKey(a.db, { name: 'reviews module', scopes: ['notifications:read', 'notifications:publish'], createdBy: null });
    const refused = await open(a, { authorization: `Bearer ${secret}` });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toBe(
      'The API key "reviews module" has no event stream: a key stands for a service, not a person. Use a person\'s session token',
    );
  });

  it('refuses a malformed Last-Event-ID, another method and another media type', async () => {
    const dave = await signIn(a.url, demo.dave);
    const malformed = await open(a, bearer(dave, { 'last-event-id': 'yesterday' }));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).message).toBe('lastEventId: must be an event id this subscription sent');

    const post = await fetch(`${a.url}${PATH}`, { method: 'POST', headers: bearer(dave) });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const json = await open(a, bearer(dave, { accept: 'application/json' }));
    expect(json.status).toBe(406);
    // curl's default Accept (*/*) is fine.
    const curl = await open(a, bearer(dave, { accept: '*/*' }));
    expect(curl.status).toBe(200);
    curl.close();
  });
});

it('is described in the OpenAPI document', async () => {
  const document: any = await (await fetch(`${a.url}/api/v1/openapi.json`)).json();
  const operation = document.paths['/notifications/events'].get;
  expect(Object.keys(operation.responses['200'].content)).toEqual(['text/event-stream']);
  expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['Last-Event-ID', 'lastEventId']);
});
