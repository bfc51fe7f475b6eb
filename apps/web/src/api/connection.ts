import { createWSClient, getUntypedClient, httpBatchLink, splitLink, TRPCClientError, wsLink, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '@pms/api';
import { reconnectDelayMs, wsKeepAlive } from '@pms/shared';
import superjson from 'superjson';
import { ConnectionMonitor, SharedConnectionStatus } from './connection-status';
import { StreamHub, TabRelay, type OpenUpstream } from './shared-streams';
import { TabBus, type SharedError, type StreamEvent } from './tab-bus';
import { canShareSocket, leadWhenFree, newTabId, sharedName } from './tab-leader';
import { trpc } from './trpc';

/** Calls that set or clear the HttpOnly session cookie: only an HTTP response can do that. */
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
  /** The leading tab's socket, as every tab shows it. */
  readonly status: SharedConnectionStatus;
  /**
   * Joins the other tabs of this browser signed in as `userId` (see tab-leader.ts). Once per
   * connection: false if it already serves another user (then it must be restarted).
   */
  share(userId: number): boolean;
  close(): Promise<void>;
}

let nextConnectionId = 1;

/** A WebSocket with what reads its state. */
interface Socket {
  link: TRPCLink<AppRouter>;
  monitor: ConnectionMonitor;
  close(): Promise<void>;
  /** Closes it once the calls it carries are answered (another tab leads). */
  retire(): void;
}

function openSocket(): Socket {
  const client = createWSClient({
    url: sameOriginSocketUrl,
    keepAlive: wsKeepAlive(),
    retryDelayMs: (attempt) => reconnectDelayMs(attempt, RECONNECT_BACKOFF),
  });
  const monitor = new ConnectionMonitor(client);
  const link = wsLink({ client, transformer: superjson });
  let calls = 0;
  let retiring = false;
  const close = async () => {
    monitor.dispose();
    await client.close();
  };
  const done = () => {
    calls -= 1;
    if (retiring && calls === 0) void close();
  };
  return {
    link: (runtime) => (options) =>
      observable((observer) => {
        calls += 1;
        const call = link(runtime)(options).subscribe({
          next: (result) => observer.next(result),
          error: (error) => observer.error(error),
          complete: () => observer.complete(),
        });
        return () => {
          call.unsubscribe();
          done();
        };
      }),
    monitor,
    close,
    retire: () => {
      retiring = true;
      if (calls === 0) void close();
    },
  };
}

const shareError = (error: unknown): SharedError =>
  error instanceof TRPCClientError ? { message: error.message, shape: error.shape } : { message: String(error), shape: undefined };

const fromShared = ({ message, shape }: SharedError) =>
  new TRPCClientError<AppRouter>(message, shape ? { result: { error: shape } as never } : undefined);

/**
 * One tRPC client per tab and session. Subscriptions go through the tab relay, whoever
 * leads; queries and mutations go over the socket in the leading tab and over HTTP in the
 * others (and until this tab knows whether it leads). Login and logout always over HTTP.
 */
export function openConnection(): ApiConnection {
  const tab = newTabId();
  const relay = new TabRelay(tab);
  const status = new SharedConnectionStatus();
  // Open at once, as a lone tab always did: the session check goes over it. A tab that finds
  // another one leading lets it go.
  let socket: Socket | undefined = openSocket();
  let hub: StreamHub | undefined;
  let bus: TabBus | undefined;
  let sharedWith: number | undefined;
  let stopLeading = () => {};

  // The leader's own server subscriptions, marked so that they skip the relay.
  const subscribeUpstream: OpenUpstream = (topic, after, sink) => {
    const input = after === undefined ? topic.input : { ...topic.input, lastEventId: after };
    const subscription = getUntypedClient(client).subscription(topic.path, input, {
      context: { upstream: true },
      onStarted: sink.started,
      onData: (data) => sink.data({ id: (data as { id?: string } | null)?.id, data }),
      onError: (error) => sink.error(shareError(error)),
      onStopped: sink.stopped,
    });
    return () => subscription.unsubscribe();
  };

  const relayLink: TRPCLink<AppRouter> = () => ({ op }) =>
    observable((observer) => {
      const { lastEventId, ...input } = (op.input ?? {}) as { lastEventId?: string | null };
      return relay.read({ path: op.path, input }, lastEventId ?? undefined, {
        started: () => observer.next({ result: { type: 'started' } }),
        data: ({ id, data }: StreamEvent) => observer.next({ result: { type: 'data', id, data } as never }),
        error: (error) => observer.error(fromShared(error)),
        stopped: () => observer.complete(),
      });
    });
  const socketLink: TRPCLink<AppRouter> = (runtime) => (options) => socket!.link(runtime)(options);

  const client = trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription' && !op.context.upstream,
        true: relayLink,
        false: splitLink({
          condition: (op) => socket === undefined || COOKIE_PROCEDURES.has(op.path),
          true: httpBatchLink({ url: '/trpc', transformer: superjson }),
          false: socketLink,
        }),
      }),
    ],
  });

  const lead = (tabs: TabBus) => {
    socket ??= openSocket();
    const { monitor } = socket;
    monitor.subscribe(() => tabs.post({ t: 'status', leader: tab, status: monitor.getSnapshot() }));
    monitor.onReconnected(() => tabs.post({ t: 'reconnected', leader: tab }));
    hub = new StreamHub(tabs, tab, subscribeUpstream, monitor.getSnapshot);
  };

  return {
    id: nextConnectionId++,
    client,
    status,
    share(userId) {
      if (sharedWith !== undefined) return sharedWith === userId;
      sharedWith = userId;
      const name = sharedName(userId);
      const shared = canShareSocket();
      // Alone, a tab still talks to itself over a bus of its own: one code path either way.
      const tabs = new TabBus(shared ? name : `${name}:${tab}`);
      bus = tabs;
      status.follow(tabs);
      relay.connect(tabs);
      if (!shared) lead(tabs);
      else
        stopLeading = leadWhenFree(name, {
          lead: () => lead(tabs),
          follow: () => {
            socket?.retire();
            socket = undefined;
          },
        });
      return true;
    },
    close: async () => {
      hub?.close();
      bus?.close();
      status.dispose();
      const closed = socket?.close();
      stopLeading(); // the next tab in line takes over
      await closed;
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
