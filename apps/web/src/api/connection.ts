import { createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { reconnectDelayMs, wsKeepAlive } from '@pms/shared';
import superjson from 'superjson';
import { ConnectionMonitor } from './connection-status';
import { trpc } from './trpc';

/**
 * Calls that set or clear the HttpOnly session cookie: only an HTTP response can do that.
 * Everything else, subscriptions included, shares the one WebSocket.
 */
const COOKIE_PROCEDURES = new Set(['auth.login', 'auth.logout']);

/** Someone is looking at the indicator: retry sooner, and cap lower, than the shared default. */
const RECONNECT_BACKOFF = { baseMs: 500, maxMs: 15_000 };

function sameOriginSocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/trpc`;
}

export interface ApiConnection {
  readonly id: number;
  readonly client: ReturnType<typeof trpc.createClient>;
  readonly monitor: ConnectionMonitor;
  close(): Promise<void>;
}

let nextConnectionId = 1;

/**
 * One tRPC client over one WebSocket. The browser sends the session cookie with the
 * WebSocket handshake, so a login or logout needs a new connection (see ApiSession).
 */
export function openConnection(): ApiConnection {
  const socket = createWSClient({
    url: sameOriginSocketUrl,
    keepAlive: wsKeepAlive(),
    retryDelayMs: (attempt) => reconnectDelayMs(attempt, RECONNECT_BACKOFF),
  });
  const client = trpc.createClient({
    links: [
      splitLink({
        condition: (op) => COOKIE_PROCEDURES.has(op.path),
        true: httpBatchLink({ url: '/trpc', transformer: superjson }),
        false: wsLink({ client: socket, transformer: superjson }),
      }),
    ],
  });
  const monitor = new ConnectionMonitor(socket);
  return {
    id: nextConnectionId++,
    client,
    monitor,
    close: async () => {
      monitor.dispose();
      await socket.close();
    },
  };
}

/**
 * The app's current connection, kept outside React so that StrictMode's double effects
 * cannot close it. `restart()` swaps in a fresh one after a login or logout.
 */
export class ApiSession {
  #current = openConnection();
  #listeners = new Set<() => void>();

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  getSnapshot = () => this.#current;

  restart() {
    const previous = this.#current;
    this.#current = openConnection();
    void previous.close();
    for (const listener of this.#listeners) listener();
  }
}
