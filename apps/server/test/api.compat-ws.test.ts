/**
 * The original deployment's WebSocket protocol, driven as its scripts drive it: a ticket over
 * plain HTTP, plain `ws` and JSON. connection_established, ping/pong, a live new_notification
 * from the goals workflow, mark_read:<id> (read, and the other devices hear of it), resume after
 * lastEventId exactly once, refusals (a used, expired or forged ticket, the session token), two
 * instances sharing tickets, the session's rules, keepalive, and the faults: a database that
 * fails while a ticket is redeemed, an instance that stops.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '@pms/api';
import { CompatSocket, streamTicket, type Message } from './support/compat-socket.js';
import { waitingForLock } from './support/database.js';
import { notify, sample } from './support/notifications.js';
import { demo, signIn, startTestServer, type TestServer } from './support/server.js';

let a: TestServer;
/** A second instance on the same database: quick to ping, at most 2 connections per person. */
let b: TestServer;
const sockets: CompatSocket[] = [];

beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer({ databaseUrl: a.databaseUrl, env: { WS_PING_AFTER_MS: '200', MAX_SOCKETS_PER_USER: '2' } });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await b?.close();
  await a?.close();
});

async function connect(on: TestServer, token: string, lastEventId?: string) {
  const connected = await CompatSocket.connect(on.url, token, lastEventId);
  sockets.push(connected.socket);
  return connected;
}

function open(on: TestServer, query: Record<string, string>): CompatSocket {
  const socket = CompatSocket.open(on.url, query);
  sockets.push(socket);
  return socket;
}

const hashOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');
const REFUSED_TICKET = 'the ticket is unknown, used or expired: get a new one (POST /api/v1/stream-tickets)';
/** The `n` of new_notification messages (see `sample`). */
const numbers = (messages: Message[]) => messages.map((message) => (typeof message === 'object' ? message.notification?.data.n : message));

describe('the original protocol', () => {
  it('connects with a ticket, says so, and answers ping with pong (text and JSON)', async () => {
    const sam = await signIn(a.url, demo.sam);
    const { socket, established } = await connect(a, sam.token);
    expect(established).toMatchObject({ type: 'connection_established', user_id: sam.id, last_event_id: expect.stringMatching(/^\d+$/) });
    socket.send('ping');
    expect(await socket.take(1)).toEqual(['pong']);
    socket.send('{"type":"ping"}');
    expect(await socket.take(1)).toEqual([{ type: 'pong' }]);
    socket.close();
  });

  it('delivers a new_notification from the goals workflow; mark_read:<id> marks it read and the other devices hear of it', async () => {
    const [sam, alice] = [await signIn(a.url, demo.sam), await signIn(a.url, demo.alice)];
    const phone = (await connect(a, sam.token)).socket;
    const laptop = (await connect(b, sam.token)).socket; // on the other instance
    await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Learn to juggle' });

    const [onPhone] = await phone.take(1);
    const [onLaptop] = await laptop.take(1);
    expect(onLaptop).toEqual(onPhone);
    const message = onPhone as Record<string, any>;
    expect(message).toMatchObject({
      type: 'new_notification',
      event_id: expect.stringMatching(/^\d+$/),
      notification: { user_id: sam.id, notification_type: 'GOAL_SUBMITTED', priority: expect.any(String), is_read: false, read_at: null },
    });
    expect(message.notification.message).toContain('Learn to juggle');
    expect(message.notification.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // snake_case throughout, as the original service sent.
    expect(Object.keys(message.notification).every((key) => /^[a-z_]+$/.test(key))).toBe(true);

    const id = message.notification.id as number;
    phone.send(`mark_read:${id}`);
    // The answer and the phone's own stream event may come in either order.
    const answers = await phone.take(2);
    expect(answers).toContainEqual({ type: 'notification_marked_read', notification_id: id, is_read: true });
    expect(answers).toContainEqual({ type: 'notifications_read', notification_ids: [id], event_id: expect.stringMatching(/^\d+$/) });
    expect(await laptop.take(1)).toEqual([{ type: 'notifications_read', notification_ids: [id], event_id: expect.stringMatching(/^\d+$/) }]);
    const row = await a.db.selectFrom('notifications').select('read_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.read_at).not.toBeNull();

    // The JSON form too; reading twice is fine.
    phone.send(JSON.stringify({ type: 'mark_read', notification_id: id }));
    expect(await phone.take(1)).toEqual([{ type: 'notification_marked_read', notification_id: id, is_read: true }]);
    phone.close();
    laptop.close();
  });

  it('answers anything else with an error message, and stays open', async () => {
    const carol = await signIn(a.url, demo.carol);
    const { socket } = await connect(a, carol.token);
    socket.send('hello');
    socket.send('mark_read:abc');
    socket.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    const help = 'send ping, {"type":"ping"}, mark_read:<notification id> or {"type":"mark_read","notification_id":<id>}';
    expect(await socket.untilPong()).toEqual([
      { type: 'error', message: `Unknown message "hello": ${help}` },
      { type: 'error', message: 'mark_read needs a notification id (a positive integer), not "abc"' },
      { type: 'error', message: `Unknown message (binary): ${help}` },
    ]);
    // Someone else's notification and a missing one look the same.
    socket.send('mark_read:999999');
    expect(await socket.take(1)).toEqual([{ type: 'error', message: 'No notification with id 999999', code: 'NOT_FOUND', notification_id: 999999 }]);
    expect(await socket.untilPong()).toEqual([]);
    socket.close();
  });

  it('resumes after lastEventId: nothing missed, nothing doubled', async () => {
    const carol = await signIn(a.url, demo.carol);
    const { socket: first, established } = await connect(a, carol.token);
    await notify(a.db, [sample(carol.id, 1)]);
    await notify(a.db, [sample(carol.id, 2)]);
    const received = await first.take(2);
    expect(numbers(received)).toEqual([1, 2]);
    expect(Number((received[0] as Record<string, any>).event_id)).toBeGreaterThan(Number(established.last_event_id));
    first.close();

    await notify(a.db, [sample(carol.id, 3), sample(carol.id, 4)]);
    const after = (received[1] as Record<string, any>).event_id as string;
    const { socket: again, established: resumed } = await connect(a, carol.token, after);
    expect(resumed.last_event_id).toBe(after);
    await notify(a.db, [sample(carol.id, 5)]);
    expect(numbers(await again.take(3))).toEqual([3, 4, 5]);
    expect(await again.untilPong()).toEqual([]);
    again.close();
  });

  it('is kept alive with WebSocket ping frames, which every client answers by itself', async () => {
    const dave = await signIn(a.url, demo.dave);
    const { socket } = await connect(b, dave.token); // b pings after 200 ms of quiet
    // A second ping comes only if the answer to the first was heard; else the socket would be terminated.
    let pings = 0;
    await new Promise<void>((enough) => socket.socket.on('ping', () => ++pings === 2 && enough()));
    socket.send('ping');
    expect(await socket.take(1)).toEqual(['pong']);
    socket.close();
  });
});

describe('tickets', () => {
  it('are stored hashed, used once, and refused used, expired, forged, missing, or as the session token', async () => {
    const dave = await signIn(a.url, demo.dave);
    const ticket = await streamTicket(a.url, dave.token);
    expect(ticket).toMatch(/^pst_/);
    const stored = await a.db.selectFrom('stream_tickets').selectAll().where('hash', '=', hashOf(ticket)).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ user_id: dave.id, used_at: null });
    expect(stored.expires_at.getTime() - stored.created_at.getTime()).toBe(30_000);

    const used = open(a, { token: ticket });
    expect(await used.take(1)).toMatchObject([{ type: 'connection_established' }]);
    expect(await open(a, { token: ticket }).closed).toEqual({ code: 1008, reason: REFUSED_TICKET });

    const expired = await streamTicket(a.url, dave.token);
    await a.db.updateTable('stream_tickets').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('hash', '=', hashOf(expired)).execute();
    expect(await open(a, { token: expired }).closed).toEqual({ code: 1008, reason: REFUSED_TICKET });
    expect(await open(a, { token: `pst_${'A'.repeat(43)}` }).closed).toEqual({ code: 1008, reason: REFUSED_TICKET });

    expect(await open(a, { token: dave.token }).closed).toEqual({
      code: 1008,
      reason: 'token must be a stream ticket from POST /api/v1/stream-tickets, never the session token',
    });
    expect(await open(a, {}).closed).toEqual({ code: 1008, reason: 'token is missing: get a stream ticket with POST /api/v1/stream-tickets' });
    const malformed = await open(a, { token: await streamTicket(a.url, dave.token), lastEventId: 'yesterday' }).closed;
    expect(malformed).toEqual({ code: 1008, reason: 'lastEventId: must be an event id this subscription sent' });
    used.close();
  });

  it('are deleted by the retention job an hour after they expired, used or not', async () => {
    const dave = await signIn(a.url, demo.dave);
    const session = await a.db.selectFrom('sessions').select(['id', 'user_id']).where('user_id', '=', dave.id).executeTakeFirstOrThrow();
    const ticket = (hash: string, expiredAgo: string, used: boolean) => ({
      hash,
      user_id: session.user_id,
      session_id: session.id,
      expires_at: sql<Date>`now() - ${expiredAgo}::interval`,
      used_at: used ? sql<Date>`now() - ${expiredAgo}::interval` : null,
    });
    await a.db
      .insertInto('stream_tickets')
      .values([ticket('old-used', '2 hours', true), ticket('old-unused', '61 minutes', false), ticket('recent', '10 minutes', true)])
      .execute();
    expect((await a.app.retention.sweep()).endedStreamTickets.deleted).toBe(2);
    const left = await a.db.selectFrom('stream_tickets').select('hash').where('hash', 'in', ['old-used', 'old-unused', 'recent']).execute();
    expect(left).toEqual([{ hash: 'recent' }]);
  });

  it('are for people: an API key gets none', async () => {
    const { secret } = await issueApiKey(a.db, { name: 'cli', scopes: ['notifications:read'], createdBy: null });
    const response = await fetch(`${a.url}/api/v1/stream-tickets`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toBe('An API key cannot call this procedure: it acts for a signed-in person');
  });

  it('issued by one instance open a socket on another; two instances racing for one ticket: exactly one wins', async () => {
    const olivia = await signIn(a.url, demo.olivia);
    const elsewhere = open(b, { token: await streamTicket(a.url, olivia.token) });
    expect(await elsewhere.take(1)).toMatchObject([{ type: 'connection_established', user_id: olivia.id }]);
    elsewhere.close();

    const ticket = await streamTicket(b.url, olivia.token);
    const racers = [open(a, { token: ticket }), open(b, { token: ticket })];
    const outcomes = await Promise.all(
      racers.map((racer) => Promise.race([racer.take(1).then(([message]) => (message as Record<string, any>).type), racer.closed.then((closed) => closed.reason)])),
    );
    expect(outcomes.sort()).toEqual(['connection_established', REFUSED_TICKET]);
    for (const racer of racers) racer.close();
  });
});

describe('the session behind the socket', () => {
  it('ending it (logout, on any instance) closes the socket with 1008', async () => {
    const bob = await signIn(a.url, demo.bob);
    const { socket } = await connect(b, bob.token);
    await bob.api.auth.logout.mutate(); // on instance A
    expect(await socket.closed).toEqual({ code: 1008, reason: 'session ended' });
  });

  it('its person holds at most MAX_SOCKETS_PER_USER connections, these sockets included', async () => {
    const alice = await signIn(a.url, demo.alice);
    const held = [(await connect(b, alice.token)).socket, (await connect(b, alice.token)).socket];
    const third = open(b, { token: await streamTicket(a.url, alice.token) });
    expect(await third.closed).toEqual({ code: 1008, reason: 'too many connections for this user' });
    for (const socket of held) socket.close();
  });
});

describe('faults', () => {
  it('a database that fails while the ticket is redeemed: closed with 1013 (try again later); a new ticket works', async () => {
    const sam = await signIn(a.url, demo.sam);
    const ticket = await streamTicket(a.url, sam.token);
    // Hold the ticket's row, so the redeem waits inside the database; then cut that connection.
    const holder = await a.db.startTransaction().execute();
    await holder.selectFrom('stream_tickets').select('hash').where('hash', '=', hashOf(ticket)).forUpdate().execute();
    const socket = open(a, { token: ticket });
    const pid = await waitingForLock(a.db);
    await sql`select pg_terminate_backend(${pid})`.execute(a.db);
    expect(await socket.closed).toEqual({ code: 1013, reason: 'the database did not answer: get a new ticket and reconnect with your lastEventId' });
    await holder.rollback().execute();

    // The pool may hand out the cut connection once more before it notices: a retriable 503, which clients retry.
    let again: CompatSocket | undefined;
    while (!again) {
      again = await connect(a, sam.token).then(
        (connected) => connected.socket,
        (error: Error) => {
          if (!error.message.startsWith('POST /api/v1/stream-tickets: 503')) throw error;
          return undefined;
        },
      );
    }
    again.send('ping');
    expect(await again.take(1)).toEqual(['pong']);
    again.close();
  });

  it('an instance that stops closes with 1001; the client reconnects elsewhere with a new ticket and its lastEventId', async () => {
    const olivia = await signIn(a.url, demo.olivia);
    const c = await startTestServer({ databaseUrl: a.databaseUrl });
    const { socket } = await connect(c, olivia.token);
    await notify(a.db, [sample(olivia.id, 1)]);
    const [first] = await socket.take(1);
    await c.close();
    expect(await socket.closed).toEqual({ code: 1001, reason: 'server shutting down' });

    await notify(a.db, [sample(olivia.id, 2)]);
    await notify(a.db, [sample(olivia.id, 3)]);
    const { socket: resumed } = await connect(a, olivia.token, (first as Record<string, any>).event_id);
    expect(numbers(await resumed.take(2))).toEqual([2, 3]);
    expect(await resumed.untilPong()).toEqual([]);
    resumed.close();
  });
});

it('is described in the OpenAPI document, beside POST /stream-tickets', async () => {
  const document: any = await (await fetch(`${a.url}/api/v1/openapi.json`)).json();
  expect(document.paths['/stream-tickets'].post).toBeDefined();
  const socket = document.paths['/api/notifications/ws'];
  expect(socket.servers).toEqual([expect.objectContaining({ url: a.app.deps.config.publicUrl })]);
  expect(socket.get.description).toContain('connection_established');
});
