/**
 * Announcements (NOTIFY) can be lost: the listening connection drops, or a payload is missed.
 * The stream in the database is the truth, so delivery heals: at the next announcement, and
 * by reading every local stream to its end when the listener reconnects.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHANNELS, LISTENER_APPLICATION_NAME, PgListener } from '@pms/api';
import { followNotifications, notify, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, login, startTestServer, wsClient, type TestServer, type WsSession } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
let alice: number;
let socket: WsSession;
beforeAll(async () => {
  server = await startTestServer();
  alice = await userIdOf(server.db, demo.alice);
  socket = wsClient(server.url, (await login(server.url, demo.alice)).token);
});
afterAll(async () => {
  await socket.close();
  await server.close();
});

/** Commits a notification and its stream event as publish() does, but without the NOTIFY: as if it were lost. */
async function notifySilently(n: number): Promise<void> {
  await server.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('notifications')
      .values({ recipient_id: alice, type: 'GOAL_APPROVED', priority: 'NORMAL', title: `Notification ${n}`, message: '', data: JSON.stringify({ n }), expires_at: sql`now() + interval '1 day'` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { last_event_seq: seq } = await trx
      .updateTable('users')
      .set({ last_event_seq: sql`last_event_seq + 1` })
      .where('id', '=', alice)
      .returning('last_event_seq')
      .executeTakeFirstOrThrow();
    await trx.insertInto('user_events').values({ user_id: alice, seq, topic: 'notification', kind: 'created', payload: JSON.stringify({ id }) }).execute();
  });
}

/** The backends of LISTEN connections on the test database. */
async function listenerPids(): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}
  `.execute(server.db);
  return rows.map((row) => row.pid);
}

it('delivers an event whose announcement was lost with the next announcement, in order', async () => {
  const log = await followNotifications(socket.client);
  await notifySilently(1);
  await notify(server.db, [sample(alice, 2)]);
  expect(numbers(await log.take(2))).toEqual([1, 2]);
  log.close();
});

it('catches every subscriber up from the database when the listening connection comes back', async () => {
  const log = await followNotifications(socket.client);
  await notifySilently(3);
  const pids = await listenerPids();
  expect(pids).toHaveLength(1);
  await sql`select pg_terminate_backend(${pids[0]!})`.execute(server.db);

  // Nothing announces event 3: only the reconnect's catch-up can deliver it.
  expect(numbers(await log.take(1))).toEqual([3]);
  // And the new connection listens again.
  await notify(server.db, [sample(alice, 4)]);
  expect(numbers(await log.take(1))).toEqual([4]);
  log.close();
});

it('notices a LISTEN connection that went silent without closing, and reconnects', async () => {
  const before = await listenerPids();
  const listener = new PgListener(server.databaseUrl, { heartbeatMs: 100, heartbeatTimeoutMs: 300 });
  const payloads: string[] = [];
  listener.on(CHANNELS.events, (payload) => payloads.push(payload));
  const reconnected = new Promise<void>((resolve) => listener.onReconnect(resolve));
  await listener.start();
  const [pid] = (await listenerPids()).filter((p) => !before.includes(p));

  // A stopped backend neither answers nor closes its socket: a half-open connection.
  process.kill(pid!, 'SIGSTOP');
  try {
    await reconnected;
  } finally {
    process.kill(pid!, 'SIGCONT');
  }
  const probe = JSON.stringify({ h: [], probe: 'after the reconnect' });
  await sql`select pg_notify(${CHANNELS.events}, ${probe})`.execute(server.db);
  await until(() => payloads.includes(probe), 'the probe was heard after the reconnect');
  await listener.stop();
});
