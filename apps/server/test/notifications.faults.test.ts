/**
 * A subscription outlives a database fault while it delivers (a lost connection, a lock or
 * statement timeout under load): it reads the same events again once the database answers, so
 * its client sees no error, and nothing missed or doubled. Driven through streamUserEvents
 * in-process, against the real hub and database, with a topic whose load meets the fault once:
 * PostgreSQL itself raises it (SQLSTATE 57P01, as when a backend is terminated) in the page read.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvents, defineTopic, TOPICS } from '@pms/api';
import { startRealtime, type TestRealtime } from './support/realtime.js';
import { demo, signIn, startTestServer, type TestServer } from './support/server.js';

/** Each event's `n`, read through fail_once(): the first read of all fails. */
const faultyTopic = defineTopic<unknown, unknown>({
  name: 'faulty',
  load: { select: (event) => sql`fail_once(${event.payload}->'n')`, parse: (json) => json },
  message: (event) => event.loaded,
});

let server: TestServer;
let instance: TestRealtime;
beforeAll(async () => {
  server = await startTestServer();
  await sql`create sequence fault_reads`.execute(server.db);
  await sql`
    create function fail_once(value jsonb) returns jsonb language plpgsql as $$
    begin
      if nextval('fault_reads') = 1 then
        raise exception 'terminating connection due to administrator command' using errcode = '57P01';
      end if;
      return value;
    end $$`.execute(server.db);
  instance = await startRealtime(server, [...TOPICS, faultyTopic]);
});
afterAll(async () => {
  await instance?.close();
  await server?.close();
});

it('reads a batch again after a database fault: each event once, in order, and no error', async () => {
  const alice = await signIn(server.url, demo.alice);
  const { last_event_seq: after } = await server.db.selectFrom('users').select('last_event_seq').where('id', '=', alice.id).executeTakeFirstOrThrow();
  await server.db.transaction().execute((trx) =>
    appendEvents(trx, [1, 2].map((n) => ({ userId: alice.id, topic: 'faulty', kind: 'sample', payload: { n } }))),
  );

  const stream = await instance.stream(alice, faultyTopic, String(after));
  const received = [await stream.take(), await stream.take()];
  expect(received).toEqual([
    { id: String(after + 1), data: 1 },
    { id: String(after + 2), data: 2 },
  ]);
  // The fault was met (the first read), and the batch was read again, whole.
  const { rows } = await sql<{ reads: number }>`select last_value as reads from fault_reads`.execute(server.db);
  expect(rows[0]!.reads).toBe(3);
  await stream.close();
});
