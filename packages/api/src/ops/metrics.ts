/**
 * Prometheus metrics of one app, in a registry of its own (tests run several apps in one process).
 * Figures that exist anyway (sockets, subscriptions, the pool, the listener) are read when scraped;
 * only deliveries and refused logins are counted as they happen, at O(1) and no allocation per socket.
 */
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Realtime } from '../realtime/realtime.js';
import type { StoredUserEvent } from '../realtime/stored-events.js';

/** Why a login was refused: the label of pms_logins_refused_total. */
export type LoginRefusal = 'bad_credentials' | 'throttled';
const LOGIN_REFUSALS: LoginRefusal[] = ['bad_credentials', 'throttled'];

export interface MetricSources {
  realtime: Realtime;
  /** The API's connection pool (`poolOf(db)` from @pms/db). */
  pool: pg.Pool;
}

export class ApiMetrics {
  readonly registry = new Registry();
  readonly #loginsRefused: Counter<'reason'>;
  readonly #delivered: Counter<'topic'>;
  readonly #latency: Histogram;

  constructor({ realtime, pool }: MetricSources) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });

    gauge('pms_websocket_sockets', 'Authenticated WebSockets open on this instance', () => realtime.connections.stats().sockets);
    gauge('pms_websocket_users', 'Distinct users with a WebSocket open on this instance', () => realtime.connections.stats().users);
    gauge('pms_subscriptions', 'Event subscriptions held by WebSockets on this instance', () => realtime.connections.stats().subscriptions);
    gauge('pms_db_pool_connections', 'Connections in the API pool, busy or idle', () => pool.totalCount);
    gauge('pms_db_pool_idle', 'Idle connections in the API pool', () => pool.idleCount);
    gauge('pms_db_pool_waiting', 'Calls waiting for a connection from the API pool', () => pool.waitingCount);
    gauge('pms_listener_up', '1 while the LISTEN connection is up, else 0', () => (realtime.listener.listening ? 1 : 0));
    // The hub counts them; a scrape copies its counts (reads growing against carried: announcements too long, or another version's loads).
    new Counter({
      name: 'pms_stream_announcements_total',
      help: 'Stream growths announced for users with subscribers here, by how their events reached them: carried by the announcement, or read',
      labelNames: ['events'],
      registers,
      collect() {
        const { carried, read } = realtime.hub.announced();
        this.reset();
        this.inc({ events: 'carried' }, carried);
        this.inc({ events: 'read' }, read);
      },
    });

    this.#loginsRefused = new Counter({ name: 'pms_logins_refused_total', help: 'Logins refused, by reason', labelNames: ['reason'], registers });
    this.#delivered = new Counter({ name: 'pms_events_delivered_total', help: 'Events handed to subscribers, by topic', labelNames: ['topic'], registers });
    this.#latency = new Histogram({
      name: 'pms_event_delivery_latency_seconds',
      help: "From a live event's transaction (its created_at) to its hand-off to the subscriber's socket",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    // Every series from the start, at 0, so rates and alerts need no special case.
    for (const reason of LOGIN_REFUSALS) this.#loginsRefused.inc({ reason }, 0);
    for (const topic of realtime.topics.keys()) this.#delivered.inc({ topic }, 0);
    collectDefaultMetrics({ register: this.registry });
  }

  loginRefused(reason: LoginRefusal): void {
    this.#loginsRefused.inc({ reason });
  }

  /**
   * One event handed to one subscriber. `live`: it came through the hub as it happened; replays
   * (a resume, a lagging subscriber) count as delivered but would skew the latency.
   */
  delivered(event: StoredUserEvent, live: boolean): void {
    this.#delivered.inc({ topic: event.topic });
    if (live) this.#latency.observe(Math.max(0, Date.now() - event.createdAt.getTime()) / 1000);
  }

  /** The text exposition format, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
