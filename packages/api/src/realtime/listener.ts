import pg from 'pg';
import { reconnectDelayMs } from '@pms/shared';
import { silentLogger, type Logger } from '../ops/logger.js';
import type { Channel } from './channels.js';

type Handler = (payload: string) => void;

/** Names the LISTEN connection in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'pms-listener';

export interface ListenerOptions {
  /** How often the idle LISTEN connection proves it is alive (default 15 s). */
  heartbeatMs?: number;
  /** A heartbeat unanswered this long means the connection is dead, even if TCP has not noticed (default 10 s). */
  heartbeatTimeoutMs?: number;
  /** Where reconnects and failed attempts are told (default: nowhere). */
  log?: Logger;
}

/**
 * The one LISTEN connection of this process. When it is lost (closed, or silent past a
 * heartbeat) it reconnects with jittered backoff and then calls `onReconnect`, so consumers
 * can catch up on what they may have missed.
 */
export class PgListener {
  #client: pg.Client | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #handlers = new Map<Channel, Handler>();
  #reconnectHandlers: Array<() => void> = [];
  #lostHandlers: Array<() => void> = [];
  #stopped = false;
  #attempt = 0;
  /** True from a completed LISTEN until the connection is lost. */
  #listening = false;
  readonly #heartbeatMs: number;
  readonly #heartbeatTimeoutMs: number;
  readonly #log: Logger;

  constructor(
    private readonly connectionString: string,
    options: ListenerOptions = {},
  ) {
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 10_000;
    this.#log = options.log ?? silentLogger();
  }


  on(channel: Channel, handler: Handler): void {
    this.#handlers.set(channel, handler);
  }

  onReconnect(handler: () => void): void {
    this.#reconnectHandlers.push(handler);
  }

  /** Called when the connection is lost: announcements may be missed until `onReconnect`. */
  onLost(handler: () => void): void {
    this.#lostHandlers.push(handler);
  }

  /** True while LISTEN is in effect: announcements arrive (readiness, the pms_listener_up metric, socket sessions). */
  get listening(): boolean {
    return this.#listening;
  }

  async start(): Promise<void> {
    try {
      await this.#connect();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const client = this.#client;
    this.#drop();
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, application_name: LISTENER_APPLICATION_NAME });
    this.#client = client;
    client.on('notification', ({ channel, payload }) => this.#handlers.get(channel as Channel)?.(payload ?? ''));
    client.on('error', () => {}); // 'end' follows
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      this.#listening = this.#client === client;
    } catch (error) {
      this.#lost(client);
      throw error;
    }
    this.#scheduleHeartbeat(client);
  }

  /** One `select 1` at a time: the next is scheduled when the previous one answered. */
  #scheduleHeartbeat(client: pg.Client): void {
    this.#heartbeat = setTimeout(() => {
      const timeout = setTimeout(() => this.#lost(client), this.#heartbeatTimeoutMs).unref();
      client.query('select 1').then(
        () => {
          clearTimeout(timeout);
          if (this.#client === client) this.#scheduleHeartbeat(client);
        },
        () => {}, // the connection ends, or the timeout fires
      );
    }, this.#heartbeatMs).unref();
  }

  /** Gives up on `client` (once, and only if it is the current one) and schedules a new connection. */
  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    const wasListening = this.#listening;
    if (wasListening && !this.#stopped) this.#log.warn('listener: LISTEN connection lost, reconnecting');
    this.#drop();
    client.end().catch(() => {});
    if (this.#stopped) return;
    if (wasListening) for (const handler of this.#lostHandlers) handler();
    this.#scheduleReconnect();
  }

  #drop(): void {
    if (this.#heartbeat) clearTimeout(this.#heartbeat);
    this.#heartbeat = null;
    this.#client = null;
    this.#listening = false;
  }

  #scheduleReconnect(): void {
    const delay = reconnectDelayMs(this.#attempt++, { baseMs: 250, maxMs: 10_000 });
    setTimeout(() => {
      if (this.#stopped) return;
      this.#connect().then(
        () => {
          this.#log.info({ attempts: this.#attempt }, 'listener: LISTEN connection back');
          this.#attempt = 0;
          // Lost again already: the next reconnect calls them.
          if (this.#listening) for (const handler of this.#reconnectHandlers) handler();
        },
        // #lost has scheduled the next attempt already.
        (error: Error) => this.#log.warn({ attempt: this.#attempt, error: error.message }, 'listener: reconnect failed'),
      );
    }, delay).unref();
  }
}
