import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CARRIED_BYTES, publish } from '@pms/api';
import { EventLog } from './support/event-log.js';
import { followNotifications, type NotificationLog, notify, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, httpClient, login, startTestServer, wsClient, type TestServer, type WsSession } from './support/server.js';

let server: TestServer;
const sockets: WsSession[] = [];
beforeAll(async () => (server = await startTestServer()));
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});

async function device(email: string): Promise<WsSession> {
  const { token } = await login(server.url, email);
  const socket = wsClient(server.url, token);
  sockets.push(socket);
  return socket;
}

/** Notifies n, n+1, … until the subscription shows one; returns the last n sent. */
async function notifyUntilReceived(log: NotificationLog, recipientId: number, n: number): Promise<number> {
  for (;;) {
    await notify(server.db, [sample(recipientId, n)]);
    if (log.received.length > 0) return n;
    await sleep(10);
    n++;
  }
}

describe('notifications.onEvent', () => {
  it('delivers each notification once, in order, to every device of the recipient', async () => {
    const alice = await userIdOf(server.db, demo.alice);
    const [phone, laptop] = [await device(demo.alice), await device(demo.alice)];
    const [onPhone, onLaptop] = [await followNotifications(phone.client), await followNotifications(laptop.client)];

    // Separate transactions, one of them with two notifications.
    await notify(server.db, [sample(alice, 1)]);
    await notify(server.db, [sample(alice, 2), sample(alice, 3)]);
    await notify(server.db, [sample(alice, 4)]);

    for (const log of [onPhone, onLaptop]) {
      const events = await log.take(4);
      expect(numbers(events)).toEqual([1, 2, 3, 4]);
      expect(events[0]!.data).toMatchObject({ kind: 'created', notification: { title: 'Notification 1', readAt: null } });
      const ids = events.map((event) => Number(event.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    onPhone.close();
    onLaptop.close();
  });

  it('tells the other devices about reads and deletions made on one', async () => {
    const bob = await userIdOf(server.db, demo.bob);
    const { token } = await login(server.url, demo.bob);
    const onLaptop = await followNotifications((await device(demo.bob)).client);
    const [first, second] = await notify(server.db, [sample(bob, 1), sample(bob, 2)]);
    await onLaptop.take(2);

    const phone = httpClient(server.url, token);
    await phone.notifications.markRead.mutate({ id: first! });
    await phone.notifications.delete.mutate({ id: second! });
    await phone.notifications.markAllRead.mutate();

    const events = await onLaptop.take(3);
    expect(events.map((event) => event.data)).toEqual([
      { kind: 'read', ids: [first] },
      { kind: 'deleted', ids: [second] },
      { kind: 'allRead' },
    ]);
    onLaptop.close();
  });

  it('resumes after lastEventId with nothing missed and nothing doubled', async () => {
    const carol = await userIdOf(server.db, demo.carol);
    const socket = await device(demo.carol);
    const live = await followNotifications(socket.client);
    await notify(server.db, [sample(carol, 1)]);
    await notify(server.db, [sample(carol, 2)]);
    const [, second] = await live.take(2);
    live.close();

    await notify(server.db, [sample(carol, 3)]);
    await notify(server.db, [sample(carol, 4), sample(carol, 5)]);
    const resumed = await EventLog.open(socket.client.notifications.onEvent, second!.id);
    await notify(server.db, [sample(carol, 6)]);
    expect(numbers(await resumed.take(4))).toEqual([3, 4, 5, 6]);
    resumed.close();

    // And from the very first event: the whole history, once.
    const replay = await EventLog.open(socket.client.notifications.onEvent, '0');
    expect(numbers(await replay.take(6))).toEqual([1, 2, 3, 4, 5, 6]);
    replay.close();
  });

  it('carries only its own topic: goal events in the same stream are skipped', async () => {
    const dave = await userIdOf(server.db, demo.dave);
    const log = await followNotifications((await device(demo.dave)).client);
    await server.db.transaction().execute((trx) =>
      publish(trx, { events: [{ userId: dave, topic: 'goal', kind: 'changed', payload: { goalId: 1 } }], ttlDays: 30 }),
    );
    await notify(server.db, [sample(dave, 1)]);
    const [event] = await log.take(1);
    expect(numbers([event!])).toEqual([1]);
    // Its id is its position in the user's whole stream: the goal event took the one before.
    const goalEvent = await server.db.selectFrom('user_events').select('seq').where('user_id', '=', dave).where('topic', '=', 'goal').executeTakeFirstOrThrow();
    expect(Number(event!.id)).toBe(goalEvent.seq + 1);
    log.close();
  });

  it('treats a lastEventId beyond the stream (kept from another database, say) as now', async () => {
    const sam = await userIdOf(server.db, demo.sam);
    const log = await EventLog.open((await device(demo.sam)).client.notifications.onEvent, '999999999');
    await notifyUntilReceived(log, sam, 1);
    expect(Number(log.received[0]!.id)).toBeLessThan(999_999_999);
    log.close();
  });

  it('refuses a lastEventId that is not one of its ids', async () => {
    const socket = await device(demo.sam);
    const error = await EventLog.open(socket.client.notifications.onEvent, 'abc').then(
      (log) => log.failure(),
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ data: { code: 'BAD_REQUEST' }, message: 'lastEventId: must be an event id this subscription sent' });
  });

  it('without lastEventId starts from now: never the past, then everything in order', async () => {
    const olivia = await userIdOf(server.db, demo.olivia);
    await notify(server.db, [sample(olivia, 1), sample(olivia, 2)]);
    const log = await EventLog.open((await device(demo.olivia)).client.notifications.onEvent);

    // The server positions the subscription just after starting it; keep notifying until it shows.
    let n = await notifyUntilReceived(log, olivia, 3);
    await notify(server.db, [sample(olivia, ++n)]);
    const [first] = numbers(await log.take(1)) as number[];
    expect(first).toBeGreaterThanOrEqual(3);
    const rest = await log.take(n - first!);
    expect(numbers(rest)).toEqual(Array.from({ length: n - first! }, (_, i) => first! + 1 + i));
    log.close();
  });

  it('reports in stats and list the stream position they reflect', async () => {
    const admin = await userIdOf(server.db, demo.admin);
    const { client } = await device(demo.admin);
    const before = await client.notifications.stats.query();
    await notify(server.db, [sample(admin, 1)]);
    const page = await client.notifications.list.query();
    expect(Number(page.lastEventId)).toBe(Number(before.lastEventId) + 1);
    expect(page.items.map((item) => item.data)).toEqual([{ n: 1 }]);
  });

  // The hub's reads of announced events (realtime/hub.ts): the real ones against PostgreSQL; the
  // test only holds the one that includes Alice before it runs. Her first notification is too
  // long for its announcement to carry it (realtime/carried-events.ts), so the hub reads it; the
  // others' announcements carry theirs.
  it('delivers to other users while a read for one user waits, and that user’s events in order after it', async () => {
    const [alice, bob] = [await userIdOf(server.db, demo.alice), await userIdOf(server.db, demo.bob)];
    const aliceLive = await followNotifications((await device(demo.alice)).client);
    const bobLive = await followNotifications((await device(demo.bob)).client);

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
      await notify(server.db, [sample(alice, 1, { message: 'Long. '.repeat(MAX_CARRIED_BYTES / 6) })]);
      await aliceReadHeld;
      await notify(server.db, [sample(alice, 2)]);
      await notify(server.db, [sample(bob, 10)]);

      expect(numbers(await bobLive.take(1)), 'Bob’s events do not wait behind Alice’s read').toEqual([10]);
      expect(aliceLive.received, 'Alice’s first read is still held, and her carried event waits behind it').toEqual([]);
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
      aliceLive.close();
      bobLive.close();
    }
  });
});
