import type { DB } from '@pms/db';
import type { Logger } from '../ops/logger.js';
import { CHANNELS } from './channels.js';
import { ConnectionRegistry } from './connections.js';
import { UserEventHub } from './hub.js';
import { PgListener } from './listener.js';
import { InstancePresence } from './presence.js';

export interface RealtimeOptions {
  db: DB;
  connectionString: string;
  /** Names this process in connection stats. */
  instanceId: string;
  maxSocketsPerUser: number;
  maxSubscriptionsPerSocket: number;
  /** Bytes a socket may have waiting to be sent before its subscriptions pause (default 256 KB). */
  maxBufferedBytesPerSocket?: number;
  /** Events a subscriber may have waiting before it falls back to reading from the database (default 256). */
  maxQueuedEventsPerSubscriber?: number;
  log: Logger;
}

/** This process's realtime machinery: the LISTEN connection, the event hub, and the sockets it serves. */
export class Realtime {
  readonly listener: PgListener;
  readonly connections: ConnectionRegistry;
  readonly hub: UserEventHub;
  readonly presence: InstancePresence;

  constructor(options: RealtimeOptions) {
    const { log } = options;
    this.listener = new PgListener(options.connectionString, { log });
    this.connections = new ConnectionRegistry({
      maxSocketsPerUser: options.maxSocketsPerUser,
      maxSubscriptionsPerSocket: options.maxSubscriptionsPerSocket,
      maxBufferedBytesPerSocket: options.maxBufferedBytesPerSocket ?? 256 * 1024,
    });
    this.hub = new UserEventHub(options.db, { maxQueuedPerSubscriber: options.maxQueuedEventsPerSubscriber ?? 256, log });
    this.presence = new InstancePresence(options.db, options.instanceId, this.connections, log);

    this.listener.on(CHANNELS.events, (payload) => this.hub.onAnnouncement(payload));
    this.listener.onReconnect(() => this.hub.catchUpAll());
    this.listener.on(CHANNELS.sessions, (payload) => {
      try {
        const { s } = JSON.parse(payload) as { s: string[] };
        this.connections.closeSessions(s, 'session ended');
      } catch {
        log.error({ payload: payload.slice(0, 200) }, 'realtime: ignoring a malformed session announcement');
      }
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
    await this.presence.start();
    this.connections.start();
  }

  async stop(): Promise<void> {
    this.connections.stop();
    await this.presence.stop();
    await this.listener.stop();
  }
}
