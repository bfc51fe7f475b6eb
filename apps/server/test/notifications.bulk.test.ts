/**
 * Bulk changes of a recipient's notifications, by ids or by "all matching this filter" (mark
 * read/unread, archive/unarchive, delete), over real HTTP and WebSocket clients: one transaction,
 * announced in events of at most 500 ids that every device and a resuming client fold into
 * exactly the database's state; a bad or foreign id refuses the whole call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from './support/event-log.js';
import { countsIn, countsOf, foldEvents, recount } from './support/inbox.js';
import { followNotifications, notify, sample, type NotificationLog, type Received } from './support/notifications.js';
import { demo, failure, signIn, startTestServer, wsClient, type Person, type TestServer, type WsSession } from './support/server.js';

let server: TestServer;
const sockets: WsSession[] = [];
beforeAll(async () => (server = await startTestServer()));
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});

async function device(person: Person): Promise<NotificationLog> {
  const socket = wsClient(server.url, person.token);
  sockets.push(socket);
  return followNotifications(socket.client);
}

/** The recipient's rows as a device shows them (id → read, archived), straight from the table. */
async function stateOf(recipientId: number) {
  const rows = await server.db.selectFrom('notifications').selectAll().where('recipient_id', '=', recipientId).orderBy('id').execute();
  return new Map(rows.map((row) => [row.id, { read: row.read_at !== null, archived: row.archived_at !== null }]));
}

function stateOfEvents(events: Received[]) {
  const items = foldEvents(events);
  return new Map([...items.values()].map((item) => [item.id, { read: item.readAt !== null, archived: item.archivedAt !== null }]));
}

/** Every device of the person has folded everything up to now into exactly the table's state and counts. */
async function expectDevicesExact(person: Person, logs: NotificationLog[]) {
  const { lastEventId, ...stats } = await person.api.notifications.stats.query();
  const table = await stateOf(person.id);
  for (const log of logs) {
    await log.reached(lastEventId);
    expect(stateOfEvents(log.received)).toEqual(table);
    expect(countsOf(foldEvents(log.received).values())).toEqual(countsIn(stats));
  }
  expect(countsIn(stats)).toEqual(await recount(server.db, person.id));
}

describe('bulk changes by ids', () => {
  it('mark read and unread, archive and unarchive, delete: every device agrees', async () => {
    const alice = await signIn(server.url, demo.alice);
    const [phone, laptop] = [await device(alice), await device(alice)];
    const [a, b, c, d] = await notify(server.db, [1, 2, 3, 4].map((n) => sample(alice.id, n)));
    const api = alice.api.notifications;

    expect(await api.setRead.mutate({ ids: [a!, b!, c!], read: true })).toEqual({ count: 3 });
    expect(await api.setRead.mutate({ ids: [b!, c!], read: false })).toEqual({ count: 2 });
    expect(await api.setArchived.mutate({ ids: [a!, c!], archived: true })).toEqual({ count: 2 });
    expect(await api.setArchived.mutate({ ids: [c!], archived: false })).toEqual({ count: 1 });
    expect(await api.deleteMany.mutate({ ids: [b!, d!] })).toEqual({ count: 2 });

    await expectDevicesExact(alice, [phone, laptop]);
    expect([...(await stateOf(alice.id)).keys()]).toEqual([a, c]);
    expect(phone.received.at(-1)!.data).toEqual({ kind: 'deleted', ids: [b, d] });
    expect(laptop.received.map((e) => e.data)).toEqual(phone.received.map((e) => e.data));
    phone.close();
    laptop.close();
  });

  it("refuses the whole call when one id is missing or another user's: NOT_FOUND, nothing changed, nothing announced", async () => {
    const [bob, carol] = [await signIn(server.url, demo.bob), await signIn(server.url, demo.carol)];
    const mine = await notify(server.db, [sample(bob.id, 1), sample(bob.id, 2)]);
    const [theirs] = await notify(server.db, [sample(carol.id, 1)]);
    const before = { bob: await bob.api.notifications.stats.query(), carol: await carol.api.notifications.stats.query() };
    const [bobRows, carolRows] = [await stateOf(bob.id), await stateOf(carol.id)];
    const api = bob.api.notifications;
    for (const [call, id] of [
      [() => api.deleteMany.mutate({ ids: [...mine, theirs!] }), theirs],
      [() => api.setRead.mutate({ ids: [mine[0]!, 999_999_999], read: true }), 999_999_999],
      [() => api.setArchived.mutate({ ids: [theirs!], archived: true }), theirs],
      [() => api.delete.mutate({ id: theirs! }), theirs],
    ] as const) {
      const error = await failure(call());
      expect(error.data?.code).toBe('NOT_FOUND');
      expect(error.message).toBe(`No notification with id ${id}`);
    }
    expect(await stateOf(bob.id)).toEqual(bobRows);
    expect(await stateOf(carol.id)).toEqual(carolRows);
    expect(await bob.api.notifications.stats.query()).toEqual(before.bob); // the stream head stayed
    expect(await carol.api.notifications.stats.query()).toEqual(before.carol);
  });

  it('names what is wrong with the target', async () => {
    const bob = await signIn(server.url, demo.bob);
    const api = bob.api.notifications;
    for (const [call, message] of [
      [() => api.deleteMany.mutate({}), 'ids or filter is required'],
      [() => api.deleteMany.mutate({ ids: [1], filter: { view: 'all' } }), 'filter: give either ids or filter, not both'],
      [() => api.setRead.mutate({ ids: [1], maxId: 5, read: true }), 'maxId goes with filter, not with ids'],
      [() => api.setArchived.mutate({ filter: { view: 'everything' as 'all' }, archived: true }), 'filter.view: view must be one of inbox, archived, snoozed, all'],
      [() => api.deleteMany.mutate({ ids: [] }), 'ids must hold 1 to 500 notification ids'],
    ] as const) {
      const error = await failure(call());
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toBe(message);
    }
  });
});

describe('bulk changes of everything matching a filter', () => {
  it('apply to exactly what list shows for the filter, up to maxId, and never to anyone else', async () => {
    const [olivia, dave] = [await signIn(server.url, demo.olivia), await signIn(server.url, demo.dave)];
    const [phone, laptop] = [await device(olivia), await device(olivia)];
    const ids = await notify(server.db, [
      sample(olivia.id, 1, { title: 'Budget review', type: 'GOAL_APPROVED' }),
      sample(olivia.id, 2, { title: 'Budget approved', type: 'GOAL_APPROVED', priority: 'HIGH' }),
      sample(olivia.id, 3, { title: 'Team offsite' }),
      sample(olivia.id, 4, { title: 'Offsite budget' }),
    ]);
    const n = [0, ...ids];
    const [daves] = await notify(server.db, [sample(dave.id, 1, { title: 'Budget review', type: 'GOAL_APPROVED' })]);
    const api = olivia.api.notifications;
    const listed = async (filter: Parameters<typeof api.list.query>[0]) =>
      (await api.list.query({ limit: 100, ...filter })).items.map((item) => n.indexOf(item.id));

    expect(await listed({ type: 'GOAL_APPROVED' })).toEqual([2, 1]);
    expect(await api.count.query({ type: 'GOAL_APPROVED' })).toEqual({ count: 2 }); // what "select all matching" offers
    expect(await api.setRead.mutate({ filter: { type: 'GOAL_APPROVED' }, read: true })).toEqual({ count: 2 });
    expect(await listed({ read: 'read' })).toEqual([2, 1]);
    expect(await api.setRead.mutate({ filter: { read: 'read', priority: 'HIGH' }, read: false })).toEqual({ count: 1 });
    expect(await listed({ q: 'budget' })).toEqual([4, 2, 1]);
    expect(await api.count.query({ q: 'budget', read: 'unread' })).toEqual({ count: 2 });
    // Up to maxId: the newest the caller saw; one arriving later is left alone.
    expect(await api.setArchived.mutate({ filter: { q: 'budget' }, maxId: n[2]!, archived: true })).toEqual({ count: 2 });
    expect(await listed({ view: 'archived' })).toEqual([2, 1]);
    expect(await api.setArchived.mutate({ filter: { view: 'archived', read: 'unread' }, archived: false })).toEqual({ count: 1 });
    expect(await listed({ view: 'archived' })).toEqual([1]);
    expect(await api.deleteMany.mutate({ filter: { view: 'archived' } })).toEqual({ count: 1 });
    expect(await listed({ view: 'all' })).toEqual([4, 3, 2]);
    expect(await api.deleteMany.mutate({ filter: { view: 'all', q: 'nothing-matches-this' } })).toEqual({ count: 0 });

    await expectDevicesExact(olivia, [phone, laptop]);
    const untouched = await server.db.selectFrom('notifications').selectAll().where('id', '=', daves!).executeTakeFirstOrThrow();
    expect([untouched.read_at, untouched.archived_at]).toEqual([null, null]);
    phone.close();
    laptop.close();
  });

  it('announce thousands of changes in events of at most 500 ids, which a device and a resuming client fold exactly', async () => {
    const sam = await signIn(server.url, demo.sam);
    const phone = await device(sam);
    const socket = wsClient(server.url, sam.token);
    sockets.push(socket);
    const away = await followNotifications(socket.client);
    await notify(server.db, Array.from({ length: 1_201 }, (_, i) => sample(sam.id, i, { type: i % 2 ? 'GOAL_APPROVED' : 'GOAL_SUBMITTED' })));
    const { lastEventId: created } = await sam.api.notifications.stats.query();
    await away.reached(created);
    const resumeFrom = away.lastId!;
    away.close(); // disconnected while the bulk changes happen

    const api = sam.api.notifications;
    expect(await api.setRead.mutate({ filter: {}, read: true })).toEqual({ count: 1_201 });
    expect(await api.setArchived.mutate({ filter: { type: 'GOAL_SUBMITTED' }, archived: true })).toEqual({ count: 601 });
    expect(await api.deleteMany.mutate({ filter: { view: 'archived' } })).toEqual({ count: 601 });

    const resumed = await EventLog.open(socket.client.notifications.onEvent, resumeFrom);
    await expectDevicesExact(sam, [phone]);
    const { lastEventId } = await api.stats.query();
    await resumed.reached(lastEventId);
    const missed = resumed.received.map((e) => e.data);
    // seen (reading implies seeing), read, archived: 1,201 + 1,201 + 601 ids in events of at most 500; then the deletions.
    expect(missed.map((e) => e.kind)).toEqual([...Array(3 + 3 + 2).fill('state'), ...Array(2).fill('deleted')]);
    for (const event of missed) expect('ids' in event && event.ids.length).toBeLessThanOrEqual(500);
    expect(stateOfEvents([...away.received, ...resumed.received])).toEqual(await stateOf(sam.id));
    const seqs = resumed.received.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs.keys()].map((i) => Number(resumeFrom) + 1 + i)); // in order, none twice
    expect(await recount(server.db, sam.id)).toMatchObject({ totalCount: 600, unreadCount: 0, archivedCount: 0 });
    resumed.close();
    phone.close();
  });
});
