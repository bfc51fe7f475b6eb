/**
 * THE commit-order race. Notification ids come from a sequence, and sequences do not commit in
 * order: a transaction that took a lower id can commit after one that took a higher id. A
 * client that has seen only the higher one and resumes "after it" must still get the lower one.
 * Stream positions are per-user `seq` values handed out under the user's row lock, so they
 * commit in order; this test drives two real transactions into exactly that interleaving.
 * (publish takes its recipients' stream locks before it stores anything, so for one recipient
 * it no longer makes this interleaving itself; the stream must not depend on that: a row
 * stored before its event is announced makes it here.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publish } from '@pms/api';
import { EventLog } from './support/event-log.js';
import { followNotifications, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, login, startTestServer, wsClient, type TestServer, type WsSession } from './support/server.js';

let server: TestServer;
let socket: WsSession;
beforeAll(async () => {
  server = await startTestServer();
  socket = wsClient(server.url, (await login(server.url, demo.alice)).token);
});
afterAll(async () => {
  await socket.close();
  await server.close();
});

const ttlDays = 30;

/** A notifications row as publish would store it for sample(recipient, n). */
function row(recipientId: number, n: number) {
  const { title, message, data, type } = sample(recipientId, n);
  return { recipient_id: recipientId, type, priority: 'NORMAL' as const, title, message, data: JSON.stringify(data) };
}

it('delivers a lower id that commits after a higher one, live and on resume', async () => {
  const alice = await userIdOf(server.db, demo.alice);
  const live = await followNotifications(socket.client);

  // "first" takes its notification id now and announces it only later, still uncommitted.
  const first = await server.db.startTransaction().execute();
  const lower = await first
    .insertInto('notifications')
    .values({ ...row(alice, 1), expires_at: new Date(Date.now() + ttlDays * 86_400_000) })
    .returning('id')
    .executeTakeFirstOrThrow();

  // "second" starts later, so Alice's notification gets a higher id, and commits first.
  const [higher] = await server.db.transaction().execute((second) => publish(second, { notifications: [sample(alice, 2)], ttlDays }));
  await publish(first, { events: [{ userId: alice, topic: 'notification', kind: 'created', payload: { id: lower.id } }], ttlDays });
  await first.commit().execute();

  // The trap is set: the lower id committed last, so "id > last seen" would skip it.
  expect(lower.id).toBeLessThan(higher!.id);

  // Live: in commit order.
  const events = await live.take(2);
  expect(numbers(events)).toEqual([2, 1]);
  live.close();

  // A client that saw only the first-committed event resumes from it and still gets the other.
  const resumed = await EventLog.open(socket.client.notifications.onEvent, events[0]!.id);
  expect(numbers(await resumed.take(1))).toEqual([1]);
  resumed.close();
});
