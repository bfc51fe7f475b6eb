/**
 * A subscription outlives a database fault while it delivers (a lost connection, a lock or
 * statement timeout under load): it reads the same events again once the database answers, so
 * its client sees no error, and nothing missed or doubled. Driven through streamUserEvents
 * in-process, with a hydrate that meets the fault once, against the real hub and database.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveSession, streamUserEvents, type StoredUserEvent } from '@pms/api';
import { notify, sample } from './support/notifications.js';
import { demo, signIn, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(() => server?.close());

it('reads a batch again after a database fault: each event once, in order, and no error', async () => {
  const alice = await signIn(server.url, demo.alice);
  const { deps } = server.app;
  const session = (await resolveSession(deps.db, deps.tokens, alice.token))!;
  const { lastEventId } = await alice.api.notifications.stats.query();
  await notify(server.db, [sample(alice.id, 1), sample(alice.id, 2)]);

  const hydrated: number[][] = [];
  const abort = new AbortController();
  const stream = streamUserEvents(
    { deps, session },
    {
      topic: 'notification',
      lastEventId,
      signal: abort.signal,
      hydrate: async (events: StoredUserEvent[]) => {
        hydrated.push(events.map((event) => event.seq));
        if (hydrated.length === 1) {
          throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        }
        return events.map((event) => event.seq);
      },
    },
  );

  const received = [(await stream.next()).value, (await stream.next()).value].map((envelope) => envelope![1]);
  const after = Number(lastEventId);
  expect(received).toEqual([after + 1, after + 2]);
  // The failed batch was read again, whole: the second hydrate saw the same events.
  expect(hydrated).toEqual([received, received]);

  abort.abort();
  await stream.return(undefined);
});
