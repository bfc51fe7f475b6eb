import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, failure, signIn, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(() => server.close());

/** `count` sessions of one user that ended (expired, or revoked) at `endedAgo`, e.g. '2 hours'. */
async function endedSessions(userId: number, count: number, how: 'expired' | 'revoked', endedAgo: string) {
  const ended = sql`now() - ${endedAgo}::interval`;
  await sql`
    insert into sessions (id, user_id, expires_at, revoked_at)
    select gen_random_uuid(), ${userId},
           ${how === 'expired' ? ended : sql`now() + interval '1 hour'`},
           ${how === 'revoked' ? ended : null}
    from generate_series(1, ${count})`.execute(server.db);
}

const sessionIds = async () => (await server.db.selectFrom('sessions').select('id').orderBy('id').execute()).map((s) => s.id);

describe('the retention job', () => {
  it('deletes sessions that expired or were revoked over an hour ago, in bounded batches, and keeps the rest', async () => {
    const bob = await signIn(server.url, demo.bob);
    const alice = await signIn(server.url, demo.alice);
    // Alice signs out; her session is revoked two hours ago, as far as the sweep can tell.
    const leaving = await signIn(server.url, demo.alice);
    await leaving.api.auth.logout.mutate();
    await server.db.updateTable('sessions').set({ revoked_at: sql`now() - interval '2 hours'` }).where('revoked_at', 'is not', null).execute();

    await endedSessions(bob.id, 1500, 'expired', '2 hours');
    await endedSessions(bob.id, 999, 'revoked', '1 day');
    // Ended within the grace: kept for now.
    await endedSessions(bob.id, 3, 'expired', '10 minutes');
    await endedSessions(bob.id, 2, 'revoked', '10 minutes');
    const kept = (await sessionIds()).length - 1500 - 999 - 1;

    const report = await server.app.retention.sweep();

    // 1500 + 999 + Alice's: 2500 rows in batches of 1000 take three statements (the last one short).
    expect(report.endedSessions).toEqual({ deleted: 2500, batches: 3 });
    expect(await sessionIds()).toHaveLength(kept);
    const left = await server.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where((s) => s.or([s('expires_at', '<=', sql<Date>`now() - interval '1 hour'`), s('revoked_at', '<=', sql<Date>`now() - interval '1 hour'`)]))
      .executeTakeFirstOrThrow();
    expect(Number(left.count)).toBe(0);

    // Live sessions work as before; the deleted one is still ended.
    expect((await bob.api.auth.me.query()).id).toBe(bob.id);
    expect((await alice.api.auth.me.query()).id).toBe(alice.id);
    expect((await failure(leaving.api.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    expect((await server.app.retention.sweep()).endedSessions).toEqual({ deleted: 0, batches: 1 });
  });
});
