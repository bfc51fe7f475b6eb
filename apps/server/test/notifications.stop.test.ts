/**
 * A subscription the client stops ends on the server at once, with nothing published meanwhile:
 * the stop alone must end the server's wait for the user's next event, not an event that may never
 * come (the generator stops on its signal; tRPC's loop, as patched, stops waiting too:
 * trpc-ws.patch.test.ts). A server of its own, so that no other test's subscriptions move the counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followNotifications, notify, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, login, startTestServer, wsClient, type TestServer } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(async () => server.close());

describe('stopping a subscription', () => {
  it('ends it on the server as soon as the client stops it, and the socket serves on', async () => {
    const olivia = await userIdOf(server.db, demo.olivia);
    const { hub, connections } = server.app.deps.realtime;
    const socket = wsClient(server.url, (await login(server.url, demo.olivia)).token);
    const first = await followNotifications(socket.client);
    await until(() => hub.stats().subscribers > 0, 'the hub holds the subscription');
    expect(connections.stats()).toMatchObject({ sockets: 1, subscriptions: 1 });

    first.close();
    await until(() => hub.stats().subscribers === 0 && connections.stats().subscriptions === 0, 'the stopped subscription was dropped');
    expect(connections.stats().sockets).toBe(1);

    const again = await followNotifications(socket.client);
    await notify(server.db, [sample(olivia, 1)]);
    expect(numbers(await again.take(1))).toEqual([1]);
    again.close();
    await socket.close();
  });
});
