/**
 * PostgreSQL restarting under a live server, with a call and a subscription in flight, on the
 * test's own embedded PostgreSQL. The server lives: the call in flight and calls during the
 * outage fail with a retriable error, calls after it succeed, the LISTEN connection comes back,
 * and the open subscription receives what was published during and after the outage, each
 * event once, in order.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { lockUserRow, waitingForLock } from './support/database.js';
import { followNotifications, notify, numbers, sample } from './support/notifications.js';
import { migratedDatabase, startOwnPostgres, type OwnPostgres } from './support/postgres.js';
import { demo, failure, signIn, startTestServer, wsClient, type Person, type TestServer, type WsSession } from './support/server.js';

failOnCrashes();

let postgres: OwnPostgres;
let server: TestServer;
let alice: Person;
let socket: WsSession;
beforeAll(async () => {
  postgres = await startOwnPostgres();
  server = await startTestServer({ databaseUrl: await migratedDatabase(postgres), seed: true });
  alice = await signIn(server.url, demo.alice);
  socket = wsClient(server.url, alice.token);
});
afterAll(async () => {
  await socket?.close();
  await server?.close();
  await postgres?.destroy();
});

/** Whether this server's LISTEN connection is up. */
async function listening(): Promise<boolean> {
  const { rows } = await sql<{ up: boolean }>`
    select count(*) > 0 as up from pg_stat_activity where application_name = ${LISTENER_APPLICATION_NAME}
  `.execute(server.db);
  return rows[0]!.up;
}

it('lives through a restart: calls fail retriably, then succeed; the subscription misses and doubles nothing', async () => {
  const log = await followNotifications(socket.client);
  await notify(server.db, [sample(alice.id, 1)]);
  expect(numbers(await log.take(1))).toEqual([1]);

  // A call in flight: it waits inside its transaction, its goal written, when PostgreSQL goes down.
  const lock = await lockUserRow(server.db, alice.id);
  const inFlight = failure(alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'In flight at the restart' }));
  await waitingForLock(server.db);
  await postgres.stop();
  await lock.release();
  expect((await inFlight).data?.code).toBe('SERVICE_UNAVAILABLE');

  // During the outage, over HTTP and over the open socket.
  const refused = [await failure(alice.api.auth.me.query()), await failure(socket.client.notifications.stats.query())];
  expect(refused.map((error) => [error.data?.code, error.message])).toEqual([
    ['SERVICE_UNAVAILABLE', 'The database is unavailable right now; nothing was saved. Try again in a moment.'],
    ['SERVICE_UNAVAILABLE', 'The database is unavailable right now; nothing was saved. Try again in a moment.'],
  ]);

  await postgres.start();
  // Published at once, most likely before the LISTEN connection is back: its announcement is lost,
  // and only the catch-up after reconnecting delivers it. Either way it must arrive once.
  await notify(server.db, [sample(alice.id, 2)]);
  await expect.poll(listening, { timeout: 20_000 }).toBe(true);
  await notify(server.db, [sample(alice.id, 3)]);
  expect(numbers(await log.take(2))).toEqual([2, 3]);

  // Calls succeed again, and the one that was in flight left nothing behind.
  const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'In flight at the restart' });
  const stored = await server.db.selectFrom('goals').select('id').where('title', '=', 'In flight at the restart').execute();
  expect(stored).toEqual([{ id: goal.id }]);
  expect(await socket.client.notifications.stats.query()).toMatchObject({ unreadCount: expect.any(Number) });

  // Nothing doubled: the next event is the only one after 3.
  await notify(server.db, [sample(alice.id, 4)]);
  expect(numbers(await log.take(1))).toEqual([4]);
  expect(numbers(log.received)).toEqual([1, 2, 3, 4]);
  log.close();
});
