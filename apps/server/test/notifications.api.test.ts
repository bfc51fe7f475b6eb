import { sql } from 'kysely';
import { BuiltInNotificationType, NotificationPriority, type NotificationType } from '@pms/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify, sample, userIdOf } from './support/notifications.js';
import { demo, failure, httpClient, signIn, startTestServer, type Client, type Person, type TestServer } from './support/server.js';

let server: TestServer;
let alice: Person;
let bob: Person;

const BULK = 3000;
const types = BuiltInNotificationType.options;
const priorities = NotificationPriority.options;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = [await signIn(server.url, demo.alice), await signIn(server.url, demo.bob)];
  // Alice's bulk: types and priorities cycle, every third one is read.
  await notify(
    server.db,
    Array.from({ length: BULK }, (_, n) =>
      sample(alice.id, n, { type: types[n % types.length]!, priority: priorities[n % priorities.length]! }),
    ),
  );
  await server.db
    .updateTable('notifications')
    .set({ read_at: new Date() })
    .where('recipient_id', '=', alice.id)
    .where(sql`id % 3`, '=', 0)
    .execute();
});
afterAll(() => server.close());

/** Every page of a list, following nextCursor. */
async function allPages(api: Client, filter: Parameters<Client['notifications']['list']['query']>[0] = {}) {
  const ids: number[] = [];
  let cursor: number | undefined;
  let pages = 0;
  do {
    const page = await api.notifications.list.query({ ...filter, limit: 100, cursor });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor !== undefined);
  return { ids, pages };
}

describe('notifications.list and stats on thousands of rows', () => {
  it('pages newest first through every notification exactly once', async () => {
    const { ids, pages } = await allPages(alice.api);
    expect(ids).toHaveLength(BULK);
    expect(new Set(ids).size).toBe(BULK);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(pages).toBe(BULK / 100);
  });

  it('defaults to 20 items and keeps pages stable while new notifications arrive', async () => {
    const first = await alice.api.notifications.list.query();
    expect(first.items).toHaveLength(20);
    await notify(server.db, [sample(alice.id, -1)]);
    const second = await alice.api.notifications.list.query({ cursor: first.nextCursor! });
    expect(second.items[0]!.id).toBeLessThan(first.items.at(-1)!.id);
    expect(second.items.map((i) => i.id)).not.toContain(first.items.at(-1)!.id);
    const newest = await alice.api.notifications.list.query({ limit: 1 });
    expect(newest.items[0]!.data).toEqual({ n: -1 });
  });

  it('agrees with stats for every type, priority and the unread filter', async () => {
    const stats = await alice.api.notifications.stats.query();
    const rows = await server.db
      .selectFrom('notifications')
      .select(['type', 'priority', 'read_at'])
      .where('recipient_id', '=', alice.id)
      .execute();
    expect(stats.totalCount).toBe(rows.length);
    expect(stats.unreadCount).toBe(rows.filter((r) => r.read_at === null).length);
    for (const type of types) {
      const ofType = rows.filter((r) => r.type === type);
      // None archived, snoozed, seen or resolved here: the inbox is everything, and all of it unseen.
      expect(stats.byType[type]).toEqual({ total: ofType.length, unread: ofType.filter((r) => r.read_at === null).length, unseen: ofType.length });
    }
    for (const priority of priorities) expect(stats.byPriority[priority].total).toBe(rows.filter((r) => r.priority === priority).length);

    expect((await allPages(alice.api, { unreadOnly: true })).ids).toHaveLength(stats.unreadCount);
    expect((await allPages(alice.api, { type: 'GOAL_APPROVED' })).ids).toHaveLength(stats.byType.GOAL_APPROVED!.total);
    const urgentUnread = await allPages(alice.api, { priority: 'URGENT', unreadOnly: true });
    expect(urgentUnread.ids).toHaveLength(stats.byPriority.URGENT.unread);
  });

  it('names bad list input', async () => {
    for (const [input, message] of [
      [{ limit: 0 }, 'limit must be between 1 and 100'],
      [{ limit: 101 }, 'limit must be between 1 and 100'],
      [{ cursor: -5 }, 'cursor must be positive'],
      [{ type: 'NOPE' }, 'type'],
    ] as const) {
      const error = await failure(alice.api.notifications.list.query(input as never));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(message);
    }
  });
});

describe('only the recipient touches a notification', () => {
  it('answers NOT_FOUND to anyone else, for reads and deletes alike, and changes nothing', async () => {
    const [id] = await notify(server.db, [sample(alice.id, 1)]);
    // One call at a time: a second rejection racing ahead of its await would go unhandled.
    for (const call of [bob.api.notifications.markRead.mutate, bob.api.notifications.delete.mutate]) {
      const error = await failure(call({ id: id! }));
      expect(error.data?.code).toBe('NOT_FOUND');
      expect(error.message).toBe(`No notification with id ${id}`);
    }
    const missing = await failure(bob.api.notifications.markRead.mutate({ id: 999_999_999 }));
    expect(missing.message).toBe('No notification with id 999999999');

    const row = await server.db.selectFrom('notifications').select('read_at').where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row.read_at).toBeNull();
    expect((await bob.api.notifications.list.query({ limit: 100 })).items.map((i) => i.id)).not.toContain(id);
  });

  it("never lists or counts someone else's notifications", async () => {
    const before = await bob.api.notifications.stats.query();
    await notify(server.db, [sample(alice.id, 2), sample(alice.id, 3)]);
    await notify(server.db, [sample(bob.id, 4)]);
    const after = await bob.api.notifications.stats.query();
    expect(after.totalCount).toBe(before.totalCount + 1);
    const { ids } = await allPages(bob.api);
    const recipients = await server.db.selectFrom('notifications').select('recipient_id').where('id', 'in', ids).execute();
    expect(new Set(recipients.map((r) => r.recipient_id))).toEqual(new Set([bob.id]));
  });

  it('lets the recipient mark read (idempotently), mark all read, and delete', async () => {
    const carol = await signIn(server.url, demo.carol);
    const [first, second, third] = await notify(server.db, [sample(carol.id, 1), sample(carol.id, 2), sample(carol.id, 3)]);
    const read = await carol.api.notifications.markRead.mutate({ id: first! });
    expect(read.readAt).toBeInstanceOf(Date);
    expect((await carol.api.notifications.markRead.mutate({ id: first! })).readAt).toEqual(read.readAt);
    expect(await carol.api.notifications.stats.query()).toMatchObject({ totalCount: 3, unreadCount: 2 });

    expect(await carol.api.notifications.delete.mutate({ id: second! })).toEqual({ id: second });
    expect((await failure(carol.api.notifications.delete.mutate({ id: second! }))).data?.code).toBe('NOT_FOUND');
    expect(await carol.api.notifications.markAllRead.mutate()).toEqual({ count: 1 });
    expect(await carol.api.notifications.stats.query()).toMatchObject({ totalCount: 2, unreadCount: 0 });
    expect((await carol.api.notifications.list.query()).items.map((i) => i.id)).toEqual([third, first]);
  });

  it('refuses callers without a session', async () => {
    const error = await failure(httpClient(server.url).notifications.stats.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });
});

describe('notifications.connectionStats', () => {
  it('is for administrators only', async () => {
    expect((await failure(alice.api.notifications.connectionStats.query())).data?.code).toBe('FORBIDDEN');
    const admin = await signIn(server.url, demo.admin);
    const stats = await admin.api.notifications.connectionStats.query();
    expect(stats.instances).toHaveLength(1);
    expect(stats.totals).toMatchObject({ instances: 1, sockets: 0, users: 0, subscriptions: 0 });
  });
});
