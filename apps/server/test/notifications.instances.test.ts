/**
 * Several instances share one database: delivery crosses process boundaries through
 * LISTEN/NOTIFY, a restart loses nothing, and connection stats cover every instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { followNotifications, notify, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, httpClient, login, startTestServer, wsClient, type TestServer } from './support/server.js';
import { until } from './support/until.js';

describe('two server processes on one database', () => {
  let a: TestServer;
  let b: ChildServer;
  beforeAll(async () => {
    a = await startTestServer();
    b = await startChildServer(a.databaseUrl, 'instance-b');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('delivers what is committed through instance A to a socket held by instance B', async () => {
    const alice = await userIdOf(a.db, demo.alice);
    const { token } = await login(a.url, demo.alice);
    const onB = wsClient(b.url, token);
    const log = await followNotifications(onB.client);

    const [first, second] = await notify(a.db, [sample(alice, 1), sample(alice, 2)]);
    expect(numbers(await log.take(2))).toEqual([1, 2]);

    // A read made on A's API reaches B's socket too.
    await httpClient(a.url, token).notifications.markRead.mutate({ id: first! });
    await httpClient(a.url, token).notifications.delete.mutate({ id: second! });
    expect((await log.take(2)).map((e) => e.data)).toEqual([
      { kind: 'read', ids: [first] },
      { kind: 'deleted', ids: [second] },
    ]);
    log.close();
    await onB.close();
  });

  it('reports the sockets of every instance in connectionStats, counting a user on both once', async () => {
    const { token } = await login(a.url, demo.bob);
    const sockets = [wsClient(a.url, token), wsClient(b.url, token), wsClient(b.url, token)];
    const logs = await Promise.all(sockets.map((socket) => followNotifications(socket.client)));
    const admin = httpClient(a.url, (await login(a.url, demo.admin)).token);

    // Each instance reports within a second of a change; wait for every socket and subscription to
    // be reported (a subscription takes its slot just after it has started).
    const stats = await until(async () => {
      const reported = await admin.notifications.connectionStats.query();
      return reported.totals.sockets === 3 && reported.totals.subscriptions === 3 && reported;
    }, 'every socket and subscription was reported');
    expect(stats.instances.map((i) => i.instanceId)).toContain('instance-b');
    const onA = stats.instances.find((i) => i.instanceId !== 'instance-b')!;
    expect(onA).toMatchObject({ sockets: 1, users: 1, subscriptions: 1 });
    expect(stats.instances.find((i) => i.instanceId === 'instance-b')).toMatchObject({ sockets: 2, users: 1, subscriptions: 2 });
    expect(stats.totals).toEqual({ instances: 2, sockets: 3, users: 1, subscriptions: 3 });

    logs.forEach((log) => log.close());
    await Promise.all(sockets.map((socket) => socket.close()));
  });
});

describe('a server restart', () => {
  it('loses nothing: the client reconnects and resumes after its last event', async () => {
    const first = await startTestServer();
    const port = new URL(first.url).port;
    const carol = await userIdOf(first.db, demo.carol);
    const socket = wsClient(first.url, (await login(first.url, demo.carol)).token, { retry: true });
    const log = await followNotifications(socket.client);
    await notify(first.db, [sample(carol, 1), sample(carol, 2)]);
    expect(numbers(await log.take(2))).toEqual([1, 2]);

    // Stop the instance; notifications keep committing while it is down.
    await first.app.close();
    await notify(first.db, [sample(carol, 3)]);
    await notify(first.db, [sample(carol, 4), sample(carol, 5)]);

    // A new instance on the same port and database: the client comes back on its own.
    const second = await startTestServer({ databaseUrl: first.databaseUrl, env: { PORT: port } });
    try {
      expect(numbers(await log.take(3))).toEqual([3, 4, 5]);
      await notify(first.db, [sample(carol, 6)]);
      expect(numbers(await log.take(1))).toEqual([6]);
      expect(numbers(log.received)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      log.close();
      await socket.close();
      await second.close();
      await first.close();
    }
  });
});
