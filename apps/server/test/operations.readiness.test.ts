/**
 * GET /readyz: 200 only while the database answers and the LISTEN connection is up; 503 within
 * READINESS_TIMEOUT_MS when the database does not answer; nothing internal either way. The
 * server reaches its database through a TCP proxy, which stages the faults.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '@pms/api';
import { createDatabase, type DB } from '@pms/db';
import { SERVER_APPLICATION_NAME } from '../src/app.js';
import { freshDatabase } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { until } from './support/until.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let proxy: TcpProxy;
/** Straight to the database, past the proxy. */
let direct: DB;
let server: TestServer;

beforeAll(async () => {
  database = await freshDatabase();
  proxy = await startTcpProxy(database.url);
  direct = createDatabase({ connectionString: database.url, max: 1 });
  server = await startTestServer({ databaseUrl: proxy.url, seed: false, env: { READINESS_TIMEOUT_MS: '300' } });
});
afterAll(async () => {
  proxy.release();
  proxy.accept();
  await server.close();
  await direct.destroy();
  await proxy.close();
  await database.drop();
});

async function readiness() {
  const response = await fetch(`${server.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

const untilReadiness = (status: number) => until(async () => (await readiness()).status === status, `/readyz answered ${status}`);

it('is ready while the database answers and the LISTEN connection is up', async () => {
  expect(await readiness()).toEqual({ status: 200, body: { status: 'ready' } });
});

it('names its connections in pg_stat_activity: its pool and its LISTEN connection', async () => {
  await readiness(); // a call through the pool: it holds a connection now
  const { rows } = await sql<{ name: string }>`
    select distinct application_name as name from pg_stat_activity where datname = current_database() and client_port is not null
  `.execute(direct);
  expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining([SERVER_APPLICATION_NAME, LISTENER_APPLICATION_NAME]));
});

it('is unavailable while the LISTEN connection is down, and ready again once it is back', async () => {
  proxy.refuse(); // the listener cannot reconnect until accept()
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}
  `.execute(direct);
  expect(rows).toHaveLength(1);
  await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(direct);

  await untilReadiness(503);
  expect(await readiness()).toEqual({ status: 503, body: { status: 'unavailable' } });
  proxy.accept();
  await untilReadiness(200);
});

it('answers unavailable within its bound while the database does not answer, then ready again', async () => {
  proxy.hold();
  try {
    // Without the bound this would wait for as long as the database does (the test's timeout).
    expect(await readiness()).toEqual({ status: 503, body: { status: 'unavailable' } });
    expect(await readiness()).toEqual({ status: 503, body: { status: 'unavailable' } });
  } finally {
    proxy.release();
  }
  await untilReadiness(200);
});
