/**
 * THE commit-order race. Notification ids come from a sequence, and sequences do not commit in
 * order: a transaction that took a lower id can commit after one that took a higher id. A
 * client that has seen only the higher one and resumes "after it" must still get the lower one.
 * Stream positions are per-user `seq` values handed out under the user's row lock, so they
 * commit in order; this test drives two real transactions into exactly that interleaving.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publish } from '@pms/api';
import type { Database } from '@pms/db';
import { waitingForLock } from './support/database.js';
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

async function backendPid(trx: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
  return rows[0]!.pid;
}

const ttlDays = 30;

it('delivers a lower id that commits after a higher one, live and on resume', async () => {
  const [sam, alice] = [await userIdOf(server.db, demo.sam), await userIdOf(server.db, demo.alice)];
  const live = await followNotifications(socket.client);

  // A third transaction holds Sam's stream lock, so that "first" (Sam and Alice, locking in
  // user-id order) inserts its notifications and then waits, still uncommitted.
  const holder = await server.db.startTransaction().execute();
  await publish(holder, { notifications: [sample(sam, 0)], ttlDays, jobs: null });
  const first = await server.db.startTransaction().execute();
  const firstPid = await backendPid(first);
  const firstPublished = publish(first, { notifications: [sample(sam, 1), sample(alice, 1)], ttlDays, jobs: null });
  await waitingForLock(server.db, firstPid);

  // "second" starts later, so Alice's notification gets a higher id, and commits first.
  const second = await server.db.startTransaction().execute();
  const [higher] = await publish(second, { notifications: [sample(alice, 2)], ttlDays, jobs: null });
  await second.commit().execute();
  await holder.commit().execute();
  const [, lower] = await firstPublished;
  await first.commit().execute();

  // The trap is set: the lower id committed last, so "id > last seen" would skip it.
  expect(lower!.id).toBeLessThan(higher!.id);

  // Live: in commit order.
  const events = await live.take(2);
  expect(numbers(events)).toEqual([2, 1]);
  live.close();

  // A client that saw only the first-committed event resumes from it and still gets the other.
  const resumed = await EventLog.open(socket.client.notifications.onEvent, events[0]!.id);
  expect(numbers(await resumed.take(1))).toEqual([1]);
  resumed.close();
});
