/**
 * Every call is bounded: waiting for a lock, a statement running long, waiting for a pool
 * connection, a transaction left idle. Each ends with its retriable error instead of hanging (and
 * stalling every call behind it), nothing of the call is stored, and the server goes on serving.
 * One server per limit under test, all on one database, the others' limits set out of the way.
 */
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFault } from '@pms/api';
import { createDatabase } from '@pms/db';
import { failOnCrashes } from './support/crashes.js';
import { lockUserRow, waitingForLock } from './support/database.js';
import { demo, failure, signIn, startTestServer, type Person, type TestServer } from './support/server.js';

failOnCrashes();

/** Far beyond every limit given below: a call still waiting this long is hanging. */
const HANGING_MS = 15_000;
const OUT_OF_THE_WAY = String(HANGING_MS * 4);
const MESSAGES = {
  locked: 'Someone else is changing the same data right now; nothing was saved. Try again.',
  tookTooLong: 'The database took too long to answer, so the call was cancelled; nothing was saved. Try again.',
  busy: 'The server is too busy to reach the database right now; nothing was saved. Try again in a moment.',
  connectionLost: 'The database connection was lost during this call. Try again.',
  unavailable: 'The database is unavailable right now; nothing was saved. Try again in a moment.',
};

const servers: TestServer[] = [];
let first: TestServer;

/** A server on the shared database with only the limits in `env` tight. */
async function serverWith(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({
    databaseUrl: first.databaseUrl,
    seed: false,
    env: {
      DB_STATEMENT_TIMEOUT_MS: OUT_OF_THE_WAY,
      DB_LOCK_TIMEOUT_MS: OUT_OF_THE_WAY,
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: OUT_OF_THE_WAY,
      DB_POOL_ACQUIRE_TIMEOUT_MS: OUT_OF_THE_WAY,
      ...env,
    },
  });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  first = await startTestServer();
  servers.push(first);
});
afterAll(async () => {
  for (const server of servers.reverse()) await server.close();
});

/** `promise`, or a failure naming what hangs once HANGING_MS have passed (rather than the test's timeout). */
async function endsOnItsOwn<T>(promise: Promise<T>, what: string): Promise<T> {
  const stop = new AbortController();
  const hanging = sleep(HANGING_MS, null, { signal: stop.signal }).then(() => {
    throw new Error(`${what} still waits after ${HANGING_MS} ms: no limit ended it`);
  });
  try {
    return await Promise.race([promise, hanging]);
  } finally {
    stop.abort();
    hanging.catch(() => {});
  }
}

async function goalsTitled(title: string) {
  return first.db.selectFrom('goals').select('id').where('title', '=', title).execute();
}

/** Alice creates a goal while her stream head is locked: what the call ends with, and that nothing of it was stored. */
async function createWhileLocked(server: TestServer, alice: Person, title: string) {
  const lock = await lockUserRow(server.db, alice.id);
  try {
    return await endsOnItsOwn(failure(alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title })), 'a call waiting for a lock');
  } finally {
    await lock.release();
  }
}

describe('a call waiting for a lock', () => {
  it('fails with the lock-timeout error after DB_LOCK_TIMEOUT_MS, stores nothing, and may be retried', async () => {
    const server = await serverWith({ DB_LOCK_TIMEOUT_MS: '200' });
    const alice = await signIn(server.url, demo.alice);
    const error = await createWhileLocked(server, alice, 'Waited for a lock');
    expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe(MESSAGES.locked);
    expect(await goalsTitled('Waited for a lock')).toEqual([]);

    await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Waited for a lock' });
    expect(await goalsTitled('Waited for a lock')).toHaveLength(1);
  });
});

describe('a statement running long', () => {
  it('is cancelled after DB_STATEMENT_TIMEOUT_MS (here: waiting for a lock), storing nothing', async () => {
    const server = await serverWith({ DB_STATEMENT_TIMEOUT_MS: '1000' });
    const alice = await signIn(server.url, demo.alice);
    const error = await createWhileLocked(server, alice, 'Ran too long');
    expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe(MESSAGES.tookTooLong);
    expect(await goalsTitled('Ran too long')).toEqual([]);

    await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Ran too long' });
    expect(await goalsTitled('Ran too long')).toHaveLength(1);
  });
});

describe('waiting for a pool connection', () => {
  it('fails after DB_POOL_ACQUIRE_TIMEOUT_MS while every connection is taken; the waiting call then completes', async () => {
    // Also the time to open a connection: not so short that connecting on a busy machine fails.
    const server = await serverWith({ DB_POOL_SIZE: '1', DB_POOL_ACQUIRE_TIMEOUT_MS: '2000' });
    const [alice, bob] = [await signIn(server.url, demo.alice), await signIn(server.url, demo.bob)];
    const lock = await lockUserRow(server.db, alice.id);
    // Alice's call holds the pool's one connection while it waits for the lock.
    const aliceCall = alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Held the only connection' });
    let error;
    try {
      await waitingForLock(server.db);
      error = await endsOnItsOwn(failure(bob.api.auth.me.query()), 'a call waiting for a connection');
    } finally {
      await lock.release();
    }

    expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe(MESSAGES.busy);
    expect(await aliceCall).toMatchObject({ title: 'Held the only connection' });
    expect(await bob.api.auth.me.query()).toMatchObject({ id: bob.id });
  });

  it('also bounds connecting to a server that never answers', async () => {
    const silent = createServer((socket) => sockets.push(socket));
    const sockets: Socket[] = [];
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const { port } = silent.address() as { port: number };
    const limits = { statementTimeoutMs: 1000, lockTimeoutMs: 1000, idleInTransactionTimeoutMs: 1000, acquireTimeoutMs: 200 };
    const db = createDatabase({ connectionString: `postgres://nobody@127.0.0.1:${port}/nothing`, limits });
    try {
      const error = await endsOnItsOwn(sql`select 1`.execute(db).then(() => null, (e: unknown) => e), 'connecting');
      expect(databaseFault(error)?.message).toBe(MESSAGES.unavailable);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await db.destroy();
    }
  });
});

describe('a transaction left idle', () => {
  it('loses its session after DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, releasing its locks, and the process lives', async () => {
    const server = await serverWith({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '200' });
    const alice = await signIn(server.url, demo.alice);
    // A request stuck inside its transaction (awaiting something else) while holding Alice's stream head.
    const stuck = await server.app.deps.db.startTransaction().execute();
    try {
      await stuck.selectFrom('users').select('id').where('id', '=', alice.id).forUpdate().execute();
      // Alice's next change would wait for that lock for as long as the transaction lived.
      const goal = await endsOnItsOwn(
        alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'After an idle transaction' }),
        'a change waiting for an idle transaction',
      );
      const error = await stuck.selectFrom('users').select('id').execute().then(() => null, (e: unknown) => e);
      expect(databaseFault(error)?.message).toBe(MESSAGES.connectionLost);
      expect(await alice.api.goals.byId.query({ id: goal.id })).toMatchObject({ title: 'After an idle transaction' });
    } finally {
      await stuck.rollback().execute().catch(() => {}); // fails when the session is gone already
    }
  });
});
