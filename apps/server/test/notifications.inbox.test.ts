/**
 * The recipient's own states of their notifications (seen, read, archived), the counts and the
 * list's filters, over real HTTP and WebSocket clients: every change is one event on every
 * device, nothing of a refused call is applied, and counts stay exact under concurrent changes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from './support/event-log.js';
import { countsIn, countsOf, foldEvents, recount } from './support/inbox.js';
import { followNotifications, notify, sample, type NotificationLog } from './support/notifications.js';
import { demo, failure, signIn, startTestServer, wsClient, type Client, type Person, type TestServer, type WsSession } from './support/server.js';

let server: TestServer;
const sockets: WsSession[] = [];
beforeAll(async () => (server = await startTestServer()));
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});

/** A WebSocket device of `person`, following their notifications from now. */
async function device(person: Person): Promise<{ client: Client; log: NotificationLog }> {
  const socket = wsClient(server.url, person.token);
  sockets.push(socket);
  return { client: socket.client, log: await followNotifications(socket.client) };
}

const kinds = (log: NotificationLog) => log.received.map((event) => event.data);

describe('markSeen, setRead, setArchived, archiveAllRead', () => {
  it('change only what changes, answer how many, and announce exactly that on every device', async () => {
    const alice = await signIn(server.url, demo.alice);
    const [phone, laptop] = [await device(alice), await device(alice)];
    const [a, b, c] = await notify(server.db, [sample(alice.id, 1), sample(alice.id, 2), sample(alice.id, 3)]);
    const api = alice.api.notifications;

    expect(await api.markSeen.mutate({ ids: [a!, b!] })).toEqual({ count: 2 });
    expect(await api.markSeen.mutate({ ids: [c!, a!, b!] })).toEqual({ count: 1 });
    expect(await api.setRead.mutate({ ids: [a!], read: true })).toEqual({ count: 1 });
    expect(await api.setRead.mutate({ ids: [a!], read: true })).toEqual({ count: 0 }); // announces nothing
    expect(await api.setRead.mutate({ ids: [a!], read: false })).toEqual({ count: 1 });
    expect(await api.setRead.mutate({ ids: [b!, a!], read: true })).toEqual({ count: 2 });
    expect(await api.archiveAllRead.mutate()).toEqual({ count: 2 });
    expect(await api.archiveAllRead.mutate()).toEqual({ count: 0 });
    expect(await api.setArchived.mutate({ ids: [b!], archived: false })).toEqual({ count: 1 });
    expect(await api.setArchived.mutate({ ids: [b!, c!], archived: true })).toEqual({ count: 2 });

    const { lastEventId, ...stats } = await api.stats.query();
    await phone.log.reached(lastEventId);
    await laptop.log.reached(lastEventId);
    const rows = await server.db.selectFrom('notifications').selectAll().where('recipient_id', '=', alice.id).orderBy('id').execute();
    const at = (n: number, column: 'seen_at' | 'read_at' | 'archived_at') => rows[n]![column];
    expect(kinds(phone.log).slice(3)).toEqual([
      { kind: 'state', ids: [a, b], change: { seenAt: at(0, 'seen_at') } },
      { kind: 'state', ids: [c], change: { seenAt: at(2, 'seen_at') } },
      { kind: 'state', ids: [a], change: { readAt: expect.any(Date) } },
      { kind: 'state', ids: [a], change: { readAt: null } },
      { kind: 'state', ids: [a, b], change: { readAt: at(0, 'read_at') } },
      { kind: 'state', ids: [a, b], change: { archivedAt: at(0, 'archived_at') } },
      { kind: 'state', ids: [b], change: { archivedAt: null } },
      { kind: 'state', ids: [b, c], change: { archivedAt: at(2, 'archived_at') } },
    ]);
    expect(kinds(laptop.log)).toEqual(kinds(phone.log));
    expect(laptop.log.received.map((e) => e.id)).toEqual(phone.log.received.map((e) => e.id));
    expect(stats).toMatchObject({ totalCount: 0, unreadCount: 0, unseenCount: 0, archivedCount: 3, snoozedCount: 0 });
    expect(countsOf(foldEvents(phone.log.received).values())).toEqual(countsIn(stats));
    phone.log.close();
    laptop.log.close();
  });

  it('setRead(true) also sees what was unseen, announced first; unread leaves seen as it was', async () => {
    const dave = await signIn(server.url, demo.dave);
    const [phone, laptop] = [await device(dave), await device(dave)];
    const [a, b] = await notify(server.db, [sample(dave.id, 1), sample(dave.id, 2)]);
    const api = dave.api.notifications;
    await api.markSeen.mutate({ ids: [b!] });
    expect(await api.setRead.mutate({ ids: [a!, b!], read: true })).toEqual({ count: 2 });
    expect(await api.setRead.mutate({ ids: [a!], read: false })).toEqual({ count: 1 });

    const { lastEventId, ...stats } = await api.stats.query();
    await phone.log.reached(lastEventId);
    await laptop.log.reached(lastEventId);
    const [rowA, rowB] = await server.db.selectFrom('notifications').selectAll().where('id', 'in', [a!, b!]).orderBy('id').execute();
    expect(rowA!.seen_at).toBeInstanceOf(Date);
    expect(rowA!.read_at).toBeNull();
    expect(kinds(phone.log).slice(2)).toEqual([
      { kind: 'state', ids: [b], change: { seenAt: rowB!.seen_at } },
      { kind: 'state', ids: [a], change: { seenAt: rowA!.seen_at } },
      { kind: 'state', ids: [a, b], change: { readAt: rowB!.read_at } },
      { kind: 'state', ids: [a], change: { readAt: null } },
    ]);
    expect(kinds(laptop.log)).toEqual(kinds(phone.log));
    expect(stats).toMatchObject({ totalCount: 2, unreadCount: 1, unseenCount: 0 });
    expect(countsIn(stats)).toEqual(await recount(server.db, dave.id));
    expect(countsOf(foldEvents(phone.log.received).values())).toEqual(countsIn(stats));
    phone.log.close();
    laptop.log.close();
  });

  it('keep markRead, markAllRead and delete as they were', async () => {
    const bob = await signIn(server.url, demo.bob);
    const { log } = await device(bob);
    const [a, b] = await notify(server.db, [sample(bob.id, 1), sample(bob.id, 2)]);
    await log.take(2); // before deleting: a created event read after its deletion is skipped
    expect((await bob.api.notifications.markRead.mutate({ id: a! })).readAt).toBeInstanceOf(Date);
    expect(await bob.api.notifications.markAllRead.mutate()).toEqual({ count: 1 });
    expect(await bob.api.notifications.delete.mutate({ id: b! })).toEqual({ id: b });
    expect((await log.take(3)).map((e) => e.data)).toEqual([{ kind: 'read', ids: [a] }, { kind: 'allRead' }, { kind: 'deleted', ids: [b] }]);
    log.close();
  });

  it("refuse the whole call when one id is not the caller's, missing or expired, and apply nothing", async () => {
    const [carol, dave] = [await signIn(server.url, demo.carol), await signIn(server.url, demo.dave)];
    const [mine, expired] = await notify(server.db, [sample(carol.id, 1), sample(carol.id, 2)]);
    const [theirs] = await notify(server.db, [sample(dave.id, 1)]);
    await server.db.updateTable('notifications').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired!).execute();
    const before = await carol.api.notifications.stats.query();
    const api = carol.api.notifications;
    for (const [call, id] of [
      [() => api.markSeen.mutate({ ids: [mine!, theirs!] }), theirs],
      [() => api.setRead.mutate({ ids: [mine!, 999_999_999], read: true }), 999_999_999],
      [() => api.setArchived.mutate({ ids: [expired!, mine!], archived: true }), expired],
    ] as const) {
      const error = await failure(call());
      expect(error.data?.code).toBe('NOT_FOUND');
      expect(error.message).toBe(`No notification with id ${id}`);
    }
    const row = await server.db.selectFrom('notifications').selectAll().where('id', '=', mine!).executeTakeFirstOrThrow();
    expect([row.seen_at, row.read_at, row.archived_at]).toEqual([null, null, null]);
    expect(await carol.api.notifications.stats.query()).toEqual(before); // no event either: the stream head stayed
    // Dave's own notification is untouched by Carol's attempts, and Carol's bulk changes never reach it.
    await api.setRead.mutate({ ids: [mine!], read: true });
    expect(await api.archiveAllRead.mutate()).toEqual({ count: 1 });
    const untouched = await server.db.selectFrom('notifications').selectAll().where('id', '=', theirs!).executeTakeFirstOrThrow();
    expect([untouched.seen_at, untouched.read_at, untouched.archived_at]).toEqual([null, null, null]);
  });
});

describe('a device that was away', () => {
  it('resumes with lastEventId and gets the changes it missed exactly once, then live ones', async () => {
    const sam = await signIn(server.url, demo.sam);
    const socket = wsClient(server.url, sam.token);
    sockets.push(socket);
    const live = await followNotifications(socket.client);
    const ids = await notify(server.db, [sample(sam.id, 1), sample(sam.id, 2)]);
    await live.take(2);
    const resumeFrom = live.lastId!;
    live.close();

    await sam.api.notifications.markSeen.mutate({ ids });
    await sam.api.notifications.setRead.mutate({ ids: [ids[0]!], read: true });
    await sam.api.notifications.archiveAllRead.mutate();
    const resumed = await EventLog.open(socket.client.notifications.onEvent, resumeFrom);
    await sam.api.notifications.setArchived.mutate({ ids: [ids[0]!], archived: false });
    const events = await resumed.take(4);
    expect(events.map((e) => e.data)).toEqual([
      { kind: 'state', ids, change: { seenAt: expect.any(Date) } },
      { kind: 'state', ids: [ids[0]], change: { readAt: expect.any(Date) } },
      { kind: 'state', ids: [ids[0]], change: { archivedAt: expect.any(Date) } },
      { kind: 'state', ids: [ids[0]], change: { archivedAt: null } },
    ]);
    const seqs = events.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs.keys()].map((i) => Number(resumeFrom) + 1 + i));
    await sleep(100);
    expect(resumed.received).toHaveLength(4); // nothing doubled
    resumed.close();
  });
});

describe('stats and list filters', () => {
  let olivia: Person;
  let n: number[]; // n[1] … n[7], see beforeAll
  const list = (input: Parameters<Client['notifications']['list']['query']>[0] = {}) =>
    olivia.api.notifications.list.query({ limit: 100, ...input }).then((page) => page.items.map((item) => n.indexOf(item.id)));

  beforeAll(async () => {
    olivia = await signIn(server.url, demo.olivia);
    const ids = await notify(server.db, [
      sample(olivia.id, 1, { title: 'Quarterly budget review', message: 'Numbers for Q3', priority: 'HIGH' }),
      sample(olivia.id, 2, { title: 'Budget approved', message: 'The yearly budget passed', type: 'GOAL_APPROVED', priority: 'LOW' }),
      sample(olivia.id, 3, { title: 'Team offsite', message: 'Bring your laptop', type: 'GOAL_ASSIGNED' }),
      sample(olivia.id, 4, { title: 'Offsite budget', message: 'Approved with changes' }),
      sample(olivia.id, 5, { title: 'Approve a goal', message: 'Please decide' }),
      sample(olivia.id, 6, { title: 'Snoozed budget', message: 'Later' }),
      sample(olivia.id, 7, { title: 'Archived budget', message: 'Gone' }),
    ]);
    n = [0, ...ids];
    // Arranged directly: resolving and snoozing belong to other procedures.
    await server.db.updateTable('notifications').set({ resolved_at: new Date() }).where('id', '=', n[5]!).execute();
    await server.db.updateTable('notifications').set({ snoozed_until: new Date(Date.now() + 3_600_000) }).where('id', '=', n[6]!).execute();
    await olivia.api.notifications.setArchived.mutate({ ids: [n[7]!], archived: true });
    await olivia.api.notifications.setRead.mutate({ ids: [n[2]!], read: true });
    await olivia.api.notifications.markSeen.mutate({ ids: [n[1]!, n[2]!] });
  });

  it('count the inbox: unread and unseen leave out resolved ones; archived and snoozed apart', async () => {
    const stats = await olivia.api.notifications.stats.query();
    expect(countsIn(stats)).toEqual({ totalCount: 5, unreadCount: 3, unseenCount: 2, archivedCount: 1, snoozedCount: 1 });
    expect(countsIn(stats)).toEqual(await recount(server.db, olivia.id));
    expect(stats.byType.GOAL_SUBMITTED).toEqual({ total: 3, unread: 2, unseen: 1 });
    expect(stats.byType.GOAL_APPROVED).toEqual({ total: 1, unread: 0, unseen: 0 });
    expect(stats.byPriority).toMatchObject({ HIGH: { total: 1, unread: 1, unseen: 0 }, LOW: { total: 1, unread: 0, unseen: 0 } });
    expect(stats.byPriority.NORMAL).toEqual({ total: 3, unread: 2, unseen: 2 });
    expect(stats.lastEventId).toMatch(/^\d+$/);
  });

  it('list each view, read or unread (unreadOnly too), with the other filters', async () => {
    expect(await list()).toEqual([5, 4, 3, 2, 1]);
    expect(await list({ view: 'inbox' })).toEqual([5, 4, 3, 2, 1]);
    expect(await list({ view: 'archived' })).toEqual([7]);
    expect(await list({ view: 'snoozed' })).toEqual([6]);
    expect(await list({ view: 'all' })).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(await list({ read: 'unread' })).toEqual([4, 3, 1]);
    expect(await list({ unreadOnly: true })).toEqual([4, 3, 1]);
    expect(await list({ read: 'read' })).toEqual([5, 2]);
    expect(await list({ read: 'unread', type: 'GOAL_SUBMITTED', priority: 'NORMAL' })).toEqual([4]);
    expect(await list({ view: 'all', read: 'unread' })).toEqual([7, 6, 4, 3, 1]);
  });

  it('search title and message with web-search syntax, within the other filters, page by page', async () => {
    expect(await list({ q: 'budget' })).toEqual([4, 2, 1]);
    expect(await list({ q: '  BUDGET ' })).toEqual([4, 2, 1]);
    expect(await list({ q: '"budget review"' })).toEqual([1]);
    expect(await list({ q: 'budget -approved' })).toEqual([1]);
    expect(await list({ q: 'laptop or numbers' })).toEqual([3, 1]);
    expect(await list({ q: 'budget', view: 'all' })).toEqual([7, 6, 4, 2, 1]);
    expect(await list({ q: 'budget', read: 'unread' })).toEqual([4, 1]);
    expect(await list({ q: '!!! & |' })).toEqual([]); // no words: nothing matches, no error
    expect(await list({ q: "'; drop table notifications; --" })).toEqual([]);

    const pages: number[][] = [];
    let cursor: number | undefined;
    do {
      const page = await olivia.api.notifications.list.query({ q: 'budget', limit: 1, cursor });
      pages.push(page.items.map((item) => n.indexOf(item.id)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([[4], [2], [1]]);
  });
});

describe('bad input', () => {
  it('is BAD_REQUEST naming the field, never a 500', async () => {
    const alice = await signIn(server.url, demo.alice);
    const api = alice.api.notifications;
    const many = Array.from({ length: 501 }, (_, i) => i + 1);
    // Thunks, called one at a time: a rejection racing ahead of its await would go unhandled.
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => api.markSeen.mutate({ ids: [] }), 'ids must hold 1 to 500 notification ids'],
      [() => api.markSeen.mutate({ ids: many }), 'ids must hold 1 to 500 notification ids'],
      [() => api.setRead.mutate({ ids: [3, 1, 3], read: true }), 'ids must not repeat an id (3 is given twice)'],
      [() => api.setArchived.mutate({ ids: [1.5], archived: true }), 'ids.0: ids must be a whole number'],
      [() => api.markSeen.mutate({ ids: [0] }), 'ids must be positive'],
      [() => api.markSeen.mutate({ ids: ['1'] } as never), 'ids must be a number'],
      [() => api.markSeen.mutate({ ids: 7 } as never), 'ids must hold 1 to 500 notification ids'],
      [() => api.markSeen.mutate({} as never), 'ids is required'],
      [() => api.setRead.mutate({ ids: [1] } as never), 'read must be true or false'],
      [() => api.setArchived.mutate({ ids: [1], archived: 'yes' } as never), 'archived must be true or false'],
      [() => api.list.query({ q: '' }), 'q must not be empty'],
      [() => api.list.query({ q: '   ' }), 'q must not be empty'],
      [() => api.list.query({ q: 'x'.repeat(201) }), 'q must be at most 200 characters'],
      [() => api.list.query({ q: 'a\u0000b' }), 'q must not contain NUL characters'],
      [() => api.list.query({ view: 'trash' } as never), 'view must be one of inbox, archived, snoozed, all'],
      [() => api.list.query({ read: 'maybe' } as never), 'read must be one of read, unread'],
      [() => api.list.query({ read: 'read', unreadOnly: true }), "read: 'read' contradicts unreadOnly"],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call());
      expect(error.data?.code, message).toBe('BAD_REQUEST');
      expect(error.message).toContain(message);
    }
    expect((await api.list.query({ q: 'x'.repeat(200) })).items).toEqual([]);
  });
});

describe('counts under concurrent changes', () => {
  it('stay exact while notifications arrive: stats equal a recount, and every device folding the events agrees', async () => {
    const admin = await signIn(server.url, demo.admin);
    const [phone, laptop] = [await device(admin), await device(admin)];
    const { items, nextCursor } = await admin.api.notifications.list.query({ view: 'all', limit: 100 });
    expect(nextCursor).toBeNull();
    const start = new Map(items.map((item) => [item.id, item]));

    let seed = 42; // a fixed sequence of choices (Park-Miller), so a failure replays
    const random = (below: number) => (seed = (seed * 48_271) % 2_147_483_647) % below;
    const someIds = async () => {
      const rows = await server.db.selectFrom('notifications').select('id').where('recipient_id', '=', admin.id).execute();
      const ids = new Set(Array.from({ length: 1 + random(6) }, () => rows[random(rows.length)]!.id));
      return [...ids];
    };
    const api = admin.api.notifications;
    const operations = [
      async () => api.markSeen.mutate({ ids: await someIds() }),
      async () => api.setRead.mutate({ ids: await someIds(), read: random(2) === 0 }),
      async () => api.setArchived.mutate({ ids: await someIds(), archived: random(3) === 0 }),
      async () => api.archiveAllRead.mutate(),
      async () => api.markAllRead.mutate(),
      async () => api.markRead.mutate({ id: (await someIds())[0]! }),
    ];

    await notify(server.db, [sample(admin.id, 0)]);
    const producer = async () => {
      for (let n = 1; n <= 20; n++) await notify(server.db, [sample(admin.id, n), sample(admin.id, n + 100)]);
    };
    const worker = async () => {
      for (let i = 0; i < 15; i++) await operations[random(operations.length)]!();
    };
    await Promise.all([producer(), worker(), worker(), worker(), worker()]);

    const stats = await api.stats.query();
    expect(countsIn(stats)).toEqual(await recount(server.db, admin.id));
    expect(stats.totalCount).toBeGreaterThan(0);
    const sum = (key: 'total' | 'unread' | 'unseen') => Object.values(stats.byType).reduce((total, counts) => total + counts[key], 0);
    expect([sum('total'), sum('unread'), sum('unseen')]).toEqual([stats.totalCount, stats.unreadCount, stats.unseenCount]);

    for (const { log } of [phone, laptop]) {
      await log.reached(stats.lastEventId);
      expect(countsOf(foldEvents(log.received, start).values())).toEqual(countsIn(stats));
    }
    expect(kinds(laptop.log)).toEqual(kinds(phone.log));
    phone.log.close();
    laptop.log.close();
  });
});
