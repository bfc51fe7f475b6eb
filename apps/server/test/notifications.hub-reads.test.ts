/**
 * The hub's reads of announced events (realtime/hub.ts): one that waits holds up only its own
 * users. Another user's notification is delivered meanwhile; the waiting user's events follow,
 * once each and in order, after it. The reads are the real ones against PostgreSQL; the test
 * only holds the one that includes Alice before it runs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { followNotifications, notify, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, login, startTestServer, wsClient, type TestServer, type WsSession } from './support/server.js';

let server: TestServer;
const sockets: WsSession[] = [];
beforeAll(async () => (server = await startTestServer()));
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});

async function follow(email: string) {
  const socket = wsClient(server.url, (await login(server.url, email)).token);
  sockets.push(socket);
  return followNotifications(socket.client);
}

it('delivers to other users while a read for one user waits, and that user’s events in order after it', async () => {
  const [alice, bob] = [await userIdOf(server.db, demo.alice), await userIdOf(server.db, demo.bob)];
  const [aliceLive, bobLive] = [await follow(demo.alice), await follow(demo.bob)];

  const reads = server.app.deps.realtime.reads;
  const readRanges = reads.readRanges.bind(reads);
  type Ranges = Parameters<typeof readRanges>[0];
  const readsOfAlice: Ranges[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let heldReadStarted!: () => void;
  const aliceReadHeld = new Promise<void>((resolve) => (heldReadStarted = resolve));
  reads.readRanges = async (ranges: Ranges, perUser: number) => {
    if (ranges.some((range) => range.userId === alice)) {
      readsOfAlice.push(ranges);
      if (readsOfAlice.length === 1) {
        heldReadStarted();
        await held;
      }
    }
    return readRanges(ranges, perUser);
  };
  try {
    await notify(server.db, [sample(alice, 1)]);
    await aliceReadHeld;
    await notify(server.db, [sample(alice, 2)]);
    await notify(server.db, [sample(bob, 10)]);

    expect(numbers(await bobLive.take(1)), 'Bob’s read does not wait behind Alice’s').toEqual([10]);
    expect(aliceLive.received, 'Alice’s first read is still held').toEqual([]);
    expect(readsOfAlice, 'no second read of Alice’s stream while one is in flight').toHaveLength(1);

    release();
    expect(numbers(await aliceLive.take(2))).toEqual([1, 2]);
    // Whatever further reads there were, nothing reached Alice twice.
    await notify(server.db, [sample(alice, 3)]);
    expect(numbers(await aliceLive.take(1))).toEqual([3]);
    expect(aliceLive.received).toHaveLength(3);
  } finally {
    release();
    reads.readRanges = readRanges;
  }
});
