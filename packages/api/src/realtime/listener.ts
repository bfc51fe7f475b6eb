import pg from 'pg';
import type { Channel } from './channels.js';

type Handler = (payload: string) => void;

/**
 * The one LISTEN connection of this process. Reconnects with jittered backoff after a loss
 * and then calls `onReconnect`, so consumers can catch up on what they may have missed.
 */
export class PgListener {
  #client: pg.Client | null = null;
  #handlers = new Map<Channel, Handler>();
  #reconnectHandlers: Array<() => void> = [];
  #stopped = false;
  #attempt = 0;

  constructor(private readonly connectionString: string) {}

  on(channel: Channel, handler: Handler): void {
    this.#handlers.set(channel, handler);
  }

  onReconnect(handler: () => void): void {
    this.#reconnectHandlers.push(handler);
  }

  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#client?.end().catch(() => {});
    this.#client = null;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', ({ channel, payload }) => this.#handlers.get(channel as Channel)?.(payload ?? ''));
    client.on('error', () => {}); // 'end' follows; reconnect happens there
    client.on('end', () => {
      if (this.#client === client) this.#client = null;
      if (!this.#stopped) this.#scheduleReconnect();
    });
    await client.connect();
    for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    this.#client = client;
  }

  #scheduleReconnect(): void {
    const delay = Math.min(10_000, 250 * 2 ** this.#attempt++) * (0.5 + Math.random() / 2);
    setTimeout(() => {
      if (this.#stopped) return;
      this.#connect().then(
        () => {
          this.#attempt = 0;
          for (const handler of this.#reconnectHandlers) handler();
        },
        (error: Error) => {
          console.error('[realtime] listener reconnect failed:', error.message);
          this.#scheduleReconnect();
        },
      );
    }, delay).unref();
  }
}
