/**
 * A connection lost under a call. The backend serving an API call is terminated while the call
 * waits inside its transaction, as a failover, an admin's pg_terminate_backend or a network reset
 * would do. node-postgres then emits 'error' on the checked-out client: unhandled, that ended the
 * process (here: the test worker, reported as an unhandled error). Now the one call fails with a
 * retriable error that reveals nothing internal, nothing of it is stored, and the server, and the
 * very socket the call came on, go on serving.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { failOnCrashes } from './support/crashes.js';
import { lockUserRow, waitingForLock } from './support/database.js';
import { demo, failure, signIn, startTestServer, wsClient, type Client, type Person, type TestServer } from './support/server.js';

failOnCrashes();

let server: TestServer;
let alice: Person;
beforeAll(async () => {
  server = await startTestServer({ env: { NODE_ENV: 'production' } });
  alice = await signIn(server.url, demo.alice);
});
afterAll(() => server?.close());

async function goalsTitled(title: string) {
  return server.db.selectFrom('goals').select('id').where('title', '=', title).execute();
}

it.each(['HTTP', 'WebSocket'])('over %s, fails only the call whose connection was lost, and keeps serving', async (transport) => {
  const socket = transport === 'WebSocket' ? wsClient(server.url, alice.token) : null;
  const client: Client = socket?.client ?? alice.api;
  const title = `Lost with its connection (${transport})`;
  try {
    // The call writes its goal and history, then waits for Alice's stream head, inside its transaction.
    const lock = await lockUserRow(server.db, alice.id);
    const call = failure(client.goals.create.mutate({ type: 'INDIVIDUAL', title }));
    const pid = await waitingForLock(server.db);
    await sql`select pg_terminate_backend(${pid})`.execute(server.db);
    const error = await call;
    await lock.release();

    expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe('The database connection was lost during this call. Try again.');
    expect(error.data?.stack).toBeUndefined();
    if (transport === 'HTTP') expect(error.data?.httpStatus).toBe(503);
    expect(await goalsTitled(title)).toEqual([]);

    // The same call again, on the same client: it succeeds, once.
    const goal = await client.goals.create.mutate({ type: 'INDIVIDUAL', title });
    expect(await goalsTitled(title)).toEqual([{ id: goal.id }]);
    const history = await server.db.selectFrom('goal_history').select('action').where('goal_id', '=', goal.id).execute();
    expect(history).toEqual([{ action: 'create' }]);
  } finally {
    await socket?.close();
  }
});
