/**
 * Keepalive (realtime/keepalive.ts): every PING is answered, however many arrive at once; a
 * socket silent for WS_PING_AFTER_MS is PINGed by the server, and terminated when it does not
 * answer within WS_PONG_WAIT_MS; an answer, or any message, keeps it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFrame, meCall, rawSocket, writeRaw, type RawSocket } from './support/raw-socket.js';
import { demo, login, startTestServer, type TestServer } from './support/server.js';
import { until } from './support/until.js';

const PING_AFTER_MS = 400;
const PONG_WAIT_MS = 400;

/** The default keepalive (a PING of the server's own only after 30 s of silence). */
let server: TestServer;
/** The same database, with a short keepalive. */
let quick: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({ env: { MAX_SOCKETS_PER_USER: '500' } });
  quick = await startTestServer({
    databaseUrl: server.databaseUrl,
    env: { WS_PING_AFTER_MS: String(PING_AFTER_MS), WS_PONG_WAIT_MS: String(PONG_WAIT_MS) },
  });
  token = (await login(server.url, demo.alice)).token;
});
afterAll(async () => {
  await quick.close();
  await server.close();
});

async function signedIn(url = server.url): Promise<RawSocket> {
  const raw = await rawSocket(url, '?connectionParams=1');
  raw.signIn(token);
  raw.socket.send(JSON.stringify(meCall(1)));
  expect(await raw.next()).toMatchObject({ id: 1, result: { data: { json: { email: demo.alice } } } });
  return raw;
}

describe('answering PINGs', () => {
  it('answers each of a burst of PINGs from 300 sockets with exactly one PONG, and serves calls meanwhile', async () => {
    const sockets = await Promise.all(Array.from({ length: 300 }, () => signedIn()));
    for (const raw of sockets) raw.socket.send('PING');
    sockets[0]!.socket.send(JSON.stringify(meCall(2)));
    const [first, ...rest] = sockets;
    const firstTwo = [await first!.next(), await first!.next()];
    expect(firstTwo).toContainEqual('PONG');
    expect(firstTwo).toContainEqual(expect.objectContaining({ id: 2 }));
    for (const raw of rest) expect(await raw.next()).toBe('PONG');
    await sleep(100);
    const extra = await Promise.race([Promise.any(sockets.map((raw) => raw.next())), sleep(0).then(() => 'nothing')]);
    expect(extra).toBe('nothing');
    for (const raw of sockets) raw.socket.close();
  });

  it('skips a PONG for a socket that closed before its turn', async () => {
    const [closing, open] = [await signedIn(), await signedIn()];
    closing.socket.send('PING');
    closing.socket.terminate();
    open.socket.send('PING');
    expect(await open.next()).toBe('PONG');
    open.socket.close();
  });
});

describe('keepalive frames as they arrive on the wire', () => {
  it('answers a PING that arrives in one chunk with a call, in two halves, or between halves of a call', async () => {
    const raw = await signedIn();
    writeRaw(raw, Buffer.concat([clientFrame('PING'), clientFrame(JSON.stringify(meCall(2)))]));
    const answers = [await raw.next(), await raw.next()]; // either first: PONGs wait for the next turn of the loop
    expect(answers).toContainEqual('PONG');
    expect(answers).toContainEqual(expect.objectContaining({ id: 2 }));

    const ping = clientFrame('PING');
    writeRaw(raw, ping.subarray(0, 3));
    await sleep(20);
    writeRaw(raw, ping.subarray(3));
    expect(await raw.next()).toBe('PONG');

    // A call cut just where a whole PING frame's length would be: ws must get it, not the keepalive.
    const call = clientFrame(JSON.stringify(meCall(3)));
    writeRaw(raw, call.subarray(0, 10));
    await sleep(20);
    writeRaw(raw, Buffer.concat([call.subarray(10), clientFrame('PING')]));
    const more = [await raw.next(), await raw.next()];
    expect(more).toContainEqual('PONG');
    expect(more).toContainEqual(expect.objectContaining({ id: 3 }));
    raw.socket.close();
  });

  it('counts PINGs against the message rate like any message', async () => {
    const limited = await startTestServer({ databaseUrl: server.databaseUrl, env: { WS_MESSAGES_PER_SECOND: '5', WS_MESSAGE_BURST: '5' } });
    try {
      const raw = await signedIn(limited.url);
      for (let i = 0; i < 10; i++) {
        writeRaw(raw, clientFrame('PING'));
        await sleep(2); // one frame per chunk: the fast path
      }
      expect(await raw.closed).toEqual({ code: 1008, reason: 'at most 5 calls per second' });
    } finally {
      await limited.close();
    }
  });
});

describe('silent sockets', () => {
  it('PINGs a socket silent for WS_PING_AFTER_MS and terminates it when no answer follows', async () => {
    const raw = await signedIn(quick.url);
    const began = performance.now();
    expect(await raw.next()).toBe('PING');
    expect(performance.now() - began).toBeGreaterThanOrEqual(PING_AFTER_MS - 50);
    const closed = await raw.closed;
    expect(closed.code).toBe(1006); // terminated: no close frame
    expect(performance.now() - began).toBeGreaterThanOrEqual(PING_AFTER_MS + PONG_WAIT_MS - 50);
    await until(() => quick.app.deps.realtime.connections.stats().sockets === 0, 'the terminated socket was dropped');
  });

  it('keeps a socket that answers its PINGs, and one that keeps calling', async () => {
    const answering = await signedIn(quick.url);
    const calling = await signedIn(quick.url);
    let pings = 0;
    answering.socket.on('message', (data) => {
      if (data.toString() === 'PING') {
        pings++;
        answering.socket.send('PONG');
      }
    });
    const calls = setInterval(() => calling.socket.send(JSON.stringify(meCall(3))), PING_AFTER_MS / 4);
    await sleep(3 * (PING_AFTER_MS + PONG_WAIT_MS));
    clearInterval(calls);
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
    expect(calling.socket.readyState).toBe(calling.socket.OPEN);
    answering.socket.close();
    calling.socket.close();
  });
});
