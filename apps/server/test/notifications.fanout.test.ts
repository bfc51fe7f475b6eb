/**
 * One change that tells hundreds of people: each recipient's stream grows by exactly its own
 * events, in order, and the new stream heads are announced after commit, every head once, in
 * NOTIFY payloads far below PostgreSQL's 8000-byte limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHANNELS, hashPassword, PgListener, publish } from '@pms/api';
import { EventLog } from './support/event-log.js';
import { numbers, sample } from './support/notifications.js';
import { login, startTestServer, wsClient, type TestServer } from './support/server.js';
import { until } from './support/until.js';

const RECIPIENTS = 650;
const PASSWORD = 'fan-out-password';

let server: TestServer;
let listener: PgListener;
const payloads: string[] = [];
const announcedSoFar = (count: number) => until(() => payloads.length >= count, `${count} announcements were heard`);
beforeAll(async () => {
  server = await startTestServer();
  listener = new PgListener(server.databaseUrl);
  listener.on(CHANNELS.events, (payload) => payloads.push(payload));
  await listener.start();
});
afterAll(async () => {
  await listener.stop();
  await server.close();
});

it('appends every recipient’s events in order and announces each new head once, after commit', async () => {
  const passwordHash = await hashPassword(PASSWORD);
  const users = await server.db
    .insertInto('users')
    .values(Array.from({ length: RECIPIENTS }, (_, n) => ({ email: `fan-out-${n}@demo.pms`, name: `Fan-out ${n}`, password_hash: passwordHash })))
    .returning(['id', 'email'])
    .execute();
  const ids = users.map((u) => u.id);
  const [first, last] = [users[0]!, users.at(-1)!];
  // The last recipient watches live; the first already has an event, so its stream goes on from seq 1.
  const socket = wsClient(server.url, (await login(server.url, last.email, PASSWORD)).token);
  const live = await EventLog.open(socket.client.notifications.onEvent, '0');
  await server.db.transaction().execute((trx) => publish(trx, { notifications: [sample(first.id, -1)], ttlDays: 30, jobs: null }));
  await announcedSoFar(1);
  const announcedBefore = payloads.length;

  // Recipients in descending id order: appendEvents sorts them itself (its lock order).
  const trx = await server.db.startTransaction().execute();
  await publish(trx, {
    jobs: null,
    notifications: [...ids].reverse().map((id) => sample(id, id)),
    events: [{ userId: first.id, topic: 'notification', kind: 'allRead', payload: {} }],
    ttlDays: 30,
  });
  await sleep(100);
  const beforeCommit = payloads.length;
  await trx.commit().execute();
  expect(beforeCommit, 'nothing is announced before commit').toBe(announcedBefore);

  await announcedSoFar(announcedBefore + Math.ceil(RECIPIENTS / 300));
  const announced = payloads.slice(announcedBefore);
  expect(announced).toHaveLength(3);
  for (const payload of announced) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
  const heads = announced.flatMap((payload) => (JSON.parse(payload) as { h: Array<[number, number]> }).h);
  expect(heads).toEqual(ids.map((id) => [id, id === first.id ? 3 : 1]));

  const streamOfFirst = await server.db.selectFrom('user_events').select(['seq', 'kind']).where('user_id', '=', first.id).orderBy('seq').execute();
  expect(streamOfFirst).toEqual([
    { seq: 1, kind: 'created' },
    { seq: 2, kind: 'created' },
    { seq: 3, kind: 'allRead' },
  ]);
  const appended = await server.db
    .selectFrom('user_events')
    .select((eb) => [eb.fn.countAll<number>().as('events'), eb.fn.max('seq').as('highest')])
    .where('user_id', 'in', ids.slice(1))
    .executeTakeFirstOrThrow();
  expect(appended).toEqual({ events: RECIPIENTS - 1, highest: 1 });

  expect(numbers(await live.take(1))).toEqual([last.id]);
  live.close();
  await socket.close();
});
