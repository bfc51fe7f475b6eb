import type { DB } from '@pms/db';
import { SessionCache } from '../auth/session-cache.js';
import { loadSessions } from '../auth/sessions.js';
import { BatchedReads } from '../lib/batched-reads.js';
import type { Logger } from '../ops/logger.js';
import { CHANNELS } from './channels.js';
import { ConnectionRegistry } from './connections.js';
import { UserEventHub } from './hub.js';
import { PgListener } from './listener.js';
import { InstancePresence } from './presence.js';
import { SocketSessions } from './socket-sessions.js';
import { ConnectionStatsFeed } from './stats-feed.js';
import { readStreamHeads, StreamReads } from './stored-events.js';
import { topicsByName, type Topic, type Topics } from './topics.js';

export interface RealtimeOptions {
  db: DB;
  connectionString: string;
  /** Names this process in connection stats. */
  instanceId: string;
  /** The topics of the event streams this process serves (packages/api/src/topics.ts). */
  topics: readonly Topic[];
  maxSocketsPerUser: number;
  maxSubscriptionsPerSocket: number;
  /** Bytes a socket may have waiting to be sent before its subscriptions pause (default 256 KB). */
  maxBufferedBytesPerSocket?: number;
  /** Events a subscriber may have waiting before it falls back to reading from the database (default 256). */
  maxQueuedEventsPerSubscriber?: number;
  log: Logger;
  /** How long a socket may stay without a session (default 10 s). */
  authTimeoutMs?: number;
  /** Sockets without a session held at most (default 1000). */
  maxUnauthenticatedSockets?: number;
  /** Calls one WebSocket message may carry (default 20). */
  maxCallsPerMessage?: number;
  /** Calls per second a socket may send on average (default 50)… */
  messagesPerSecond?: number;
  /** …and at once (default 100). */
  messageBurst?: number;
  /** Silence after which the server PINGs a socket (default 30 s)… */
  pingAfterMs?: number;
  /** …and how long it then waits for an answer before terminating it (default 10 s). */
  pongWaitMs?: number;
}

/** Session changes to apply to this process's sockets. */
export interface SessionChanges {
  /** Users whose permissions, supervisor, name or status changed. */
  users?: readonly number[];
  /** Sessions that ended (logout, deactivation): their sockets are closed. */
  revoked?: readonly string[];
}

/** This process's realtime machinery: the LISTEN connection, the event hub, and the sockets it serves. */
export class Realtime {
  readonly listener: PgListener;
  readonly connections: ConnectionRegistry;
  readonly hub: UserEventHub;
  readonly presence: InstancePresence;
  readonly sessions: SocketSessions;
  /** HTTP calls' sessions, kept exact by the same announcements as the sockets'. */
  readonly httpSessions = new SessionCache();
  readonly topics: Topics;
  /** The statements reading user streams, with what each topic loads. */
  readonly reads: StreamReads;
  /** Where each new subscription starts: read for many subscriptions at once (a reconnect storm is one query per 1,000). */
  readonly streamHeads: BatchedReads<number, number>;
  /** Every instance's connection figures, pushed to administrators as the instances report them. */
  readonly stats: ConnectionStatsFeed;

  constructor(options: RealtimeOptions) {
    const { log } = options;
    this.listener = new PgListener(options.connectionString, { log });
    this.connections = new ConnectionRegistry({
      maxSocketsPerUser: options.maxSocketsPerUser,
      maxSubscriptionsPerSocket: options.maxSubscriptionsPerSocket,
      maxBufferedBytesPerSocket: options.maxBufferedBytesPerSocket ?? 256 * 1024,
      authTimeoutMs: options.authTimeoutMs ?? 10_000,
      maxUnauthenticatedSockets: options.maxUnauthenticatedSockets ?? 1000,
      maxCallsPerMessage: options.maxCallsPerMessage ?? 20,
      messagesPerSecond: options.messagesPerSecond ?? 50,
      messageBurst: options.messageBurst ?? 100,
      pingAfterMs: options.pingAfterMs ?? 30_000,
      pongWaitMs: options.pongWaitMs ?? 10_000,
    });
    this.sessions = new SocketSessions(this.connections, (ids) => loadSessions(options.db, ids), log);
    this.streamHeads = new BatchedReads((userIds) => readStreamHeads(options.db, userIds));
    this.topics = topicsByName(options.topics);
    this.reads = new StreamReads(options.db, this.topics);
    this.hub = new UserEventHub(this.reads, { maxQueuedPerSubscriber: options.maxQueuedEventsPerSubscriber ?? 256, log });
    this.presence = new InstancePresence(options.db, options.instanceId, this.connections, log);
    this.stats = new ConnectionStatsFeed(options.db, log);

    this.listener.on(CHANNELS.events, (payload) => this.hub.onAnnouncement(payload));
    this.listener.onLost(() => {
      this.sessions.listenerLost();
      this.httpSessions.listenerLost();
      this.stats.listenerLost();
    });
    // Sessions first: the catch-up's deliveries then see every socket as stale.
    this.listener.onReconnect(() => {
      this.sessions.listenerBack();
      this.httpSessions.listenerBack();
      this.hub.catchUpAll();
      this.stats.listenerBack();
    });
    this.listener.on(CHANNELS.connections, () => this.stats.announced());
    this.listener.on(CHANNELS.sessions, (payload) => this.sessionsChanged({ revoked: parseIds(payload, 's', 'string', log) }));
    this.listener.on(CHANNELS.users, (payload) => this.sessionsChanged({ users: parseIds(payload, 'u', 'number', log) }));
  }

  /**
   * Applies session changes to this process's sockets and HTTP sessions. Announced on the channels for every
   * instance; the instance that made the change also calls it directly after committing, so
   * its own sockets need not wait for the announcement.
   */
  sessionsChanged({ users = [], revoked = [] }: SessionChanges): void {
    this.httpSessions.changed(users, revoked);
    if (revoked.length) this.connections.closeSessions(revoked, 'session ended');
    if (users.length) {
      this.sessions.usersChanged(users);
      this.stats.recheck(); // a follower may have lost the admin permission
    }
  }

  async start(): Promise<void> {
    await this.listener.start();
    await this.presence.start();
    this.connections.start();
  }

  async stop(): Promise<void> {
    this.connections.stop();
    this.sessions.stop();
    this.stats.stop();
    await this.presence.stop();
    await this.listener.stop();
  }
}

/** The ids in `{ [key]: [...] }`; a malformed payload is logged and yields none. */
function parseIds<T extends 'string' | 'number'>(payload: string, key: string, type: T, log: Logger): Array<T extends 'string' ? string : number> {
  try {
    const ids = (JSON.parse(payload) as Record<string, unknown>)[key];
    if (Array.isArray(ids) && ids.every((id) => typeof id === type)) return ids;
  } catch {
    // reported below
  }
  log.error({ payload: payload.slice(0, 200) }, 'realtime: ignoring a malformed session announcement');
  return [];
}
