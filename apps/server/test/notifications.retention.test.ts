import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from './support/event-log.js';
import { notify, numbers, sample } from './support/notifications.js';
import { demo, failure, signIn, startTestServer, wsClient, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(() => server.close());

function expire(ids: number[]) {
  return server.db.updateTable('notifications').set({ expires_at: sql`now() - interval '1 minute'` }).where('id', 'in', ids).execute();
}

describe('expired notifications', () => {
  it('never appear in lists, counts or replays, even before the cleanup runs', async () => {
    const alice = await signIn(server.url, demo.alice);
    const [kept, expired, alsoKept] = await notify(server.db, [sample(alice.id, 1), sample(alice.id, 2), sample(alice.id, 3)]);
    await expire([expired!]);

    expect((await alice.api.notifications.list.query()).items.map((i) => i.id)).toEqual([alsoKept, kept]);
    expect(await alice.api.notifications.stats.query()).toMatchObject({ totalCount: 2, unreadCount: 2 });
    expect((await alice.api.notifications.stats.query()).byType.GOAL_SUBMITTED).toEqual({ total: 2, unread: 2, unseen: 2 });
    for (const call of [alice.api.notifications.markRead.mutate, alice.api.notifications.delete.mutate]) {
      expect((await failure(call({ id: expired! }))).data?.code).toBe('NOT_FOUND');
    }
    expect(await alice.api.notifications.markAllRead.mutate()).toEqual({ count: 2 });
    const row = await server.db.selectFrom('notifications').select('read_at').where('id', '=', expired!).executeTakeFirstOrThrow();
    expect(row.read_at).toBeNull();

    // A replay of the whole stream skips it.
    const socket = wsClient(server.url, alice.token);
    const replay = await EventLog.open(socket.client.notifications.onEvent, '0');
    expect(numbers(await replay.take(3))).toEqual([1, 3, 'allRead']);
    replay.close();
    await socket.close();
  });
});

describe('the retention job', () => {
  it('deletes expired rows, old read ones and old stream events in bounded batches', async () => {
    const bob = await signIn(server.url, demo.bob);
    const expiring = await notify(server.db, Array.from({ length: 2500 }, (_, n) => sample(bob.id, n)));
    await expire(expiring);
    const [readLongAgo, readYesterday, unread] = await notify(server.db, [sample(bob.id, 1), sample(bob.id, 2), sample(bob.id, 3)]);
    await server.db.updateTable('notifications').set({ read_at: sql`now() - interval '8 days'` }).where('id', '=', readLongAgo!).execute();
    await server.db.updateTable('notifications').set({ read_at: sql`now() - interval '1 day'` }).where('id', '=', readYesterday!).execute();
    const oldEvents = await server.db
      .updateTable('user_events')
      .set({ created_at: sql`now() - interval '31 days'` })
      .where('user_id', '=', bob.id)
      .where('seq', '<=', 1200)
      .executeTakeFirst();
    expect(Number(oldEvents.numUpdatedRows)).toBe(1200);

    const expiredNow = await server.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('expires_at', '<=', sql<Date>`now()`)
      .executeTakeFirstOrThrow();
    expect(expiredNow.count).toBeGreaterThanOrEqual(2500);

    const report = await server.app.retention.sweep();

    // Batches of 1000 (the default): 2500-odd rows take three statements.
    expect(report.expiredNotifications).toEqual({ deleted: expiredNow.count, batches: 3 });
    expect(report.readNotifications).toEqual({ deleted: 1, batches: 1 });
    expect(report.oldEvents).toEqual({ deleted: 1200, batches: 2 });
    const left = await server.db.selectFrom('notifications').select('id').where('recipient_id', '=', bob.id).orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual([readYesterday, unread]);
    const events = await server.db.selectFrom('user_events').select(sql<number>`min(seq)`.as('first')).where('user_id', '=', bob.id).executeTakeFirstOrThrow();
    expect(events.first).toBe(1201);
    expect(await server.app.retention.sweep()).toMatchObject({ expiredNotifications: { deleted: 0 }, oldEvents: { deleted: 0 } });
  });
});
