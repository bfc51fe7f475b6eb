/**
 * A client that stops reading must not make the server buffer without bound, and must still
 * get everything, once and in order, when it reads again.
 */
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppRouter } from '@pms/api';
import { followNotifications, notify, numbers, sample, userIdOf } from './support/notifications.js';
import { demo, login, startTestServer, type TestServer } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(() => server.close());

/** A tRPC WebSocket client whose socket the test can pause, as a client stuck on a slow link. */
function pausableClient(url: string, token: string) {
  const sockets: WebSocket[] = [];
  class RecordedWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  const socketClient = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: RecordedWebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socketClient, transformer: superjson })] });
  return { client, socket: () => sockets.at(-1)!, close: () => socketClient.close() };
}

const COUNT = 3000;
const BIG_MESSAGE = 'x'.repeat(4000);

// 12 MB through one paused socket takes ~20 s alone on 2 cores; more while other files run beside it.
it('pauses a stalled socket, bounds what it queues, and delivers everything once it reads again', { timeout: 90_000 }, async () => {
  const alice = await userIdOf(server.db, demo.alice);
  const slow = pausableClient(server.url, (await login(server.url, demo.alice)).token);
  const log = await followNotifications(slow.client);
  slow.socket().pause();

  // ~12 MB of notifications, far more than socket buffers and the subscriber queue hold.
  await notify(
    server.db,
    Array.from({ length: COUNT }, (_, n) => sample(alice, n, { message: BIG_MESSAGE })),
  );
  const { hub, connections } = server.app.deps.realtime;
  await until(() => hub.stats().overflows > 0, 'the hub dropped the unread socket\'s backlog');

  // The server holds at most one queue's worth of events (256), and at most one batch of them
  // beyond the socket's buffer limit (256 KB): not the 12 MB published.
  expect(hub.stats().queuedEvents).toBeLessThanOrEqual(256);
  expect(connections.bufferedBytes()).toBeLessThan(256 * 1024 + 256 * (BIG_MESSAGE.length + 500));

  slow.socket().resume();
  const events = await log.take(COUNT);
  expect(numbers(events)).toEqual(Array.from({ length: COUNT }, (_, n) => n));
  expect(new Set(events.map((e) => e.id)).size).toBe(COUNT);
  log.close();
  await slow.close();
});
