/**
 * Live connection stats for administrators: one feed per process, shared by all its subscribers.
 *
 * Driven by the reports the instances already write: every write of a `realtime_instances` row
 * is announced on CHANNELS.connections in the same statement (presence.ts), and an announcement
 * makes this process read the figures once for all its subscribers (announcements within
 * COALESCE_MS make one read); with nobody subscribed it reads nothing. Each live instance reports
 * at least every 10 s, so an instance that stopped without a word drops out at a read soon after
 * its row goes stale (30 s), and "reported" times move while nothing else does.
 *
 * Faults: while the LISTEN connection is down (announcements are lost) or a read fails, the last
 * figures stay, marked `live: false`; a failed read is tried again every RETRY_MS, and the
 * listener's return reads again at once.
 */
import type { DB } from '@pms/db';
import type { Logger } from '../ops/logger.js';
import { readConnectionStats } from './presence.js';

export type ConnectionStats = Awaited<ReturnType<typeof readConnectionStats>> & {
  /** False while these figures may be out of date (the database or its announcements unreachable). */
  live: boolean;
};

const COALESCE_MS = 100;
const RETRY_MS = 1000;

export class ConnectionStatsFeed {
  /** The figures as last read; null when nobody followed since (they may be old). */
  #stats: ConnectionStats | null = null;
  /** Moves on every change of `#stats` and every `recheck`: followers compare it. */
  #version = 0;
  #waiters = new Set<() => void>();
  #followers = 0;
  #timer: NodeJS.Timeout | null = null;
  #reading = false;
  #readAgain = false;

  constructor(
    private readonly db: DB,
    private readonly log: Logger,
  ) {}

  get stats(): ConnectionStats | null {
    return this.#stats;
  }

  get version(): number {
    return this.#version;
  }

  /** Counts a follower (the first one reads the figures); returns how to leave. */
  join(): () => void {
    this.#followers += 1;
    if (this.#followers === 1 || !this.#stats) this.#schedule(0);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#followers -= 1;
      if (this.#followers === 0) this.#stats = null; // no longer kept current
    };
  }

  /** Resolves once the version differs from `seen` (at once if it does already), or `signal` aborts. */
  changedSince(seen: number, signal: AbortSignal): Promise<void> {
    if (this.#version !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** An instance wrote its figures (CHANNELS.connections). */
  announced(): void {
    if (this.#followers) this.#schedule(COALESCE_MS);
  }

  /** Announcements may be lost from now on: the figures are marked as possibly old. */
  listenerLost(): void {
    if (this.#stats?.live) this.#publish({ ...this.#stats, live: false });
  }

  listenerBack(): void {
    if (this.#followers) this.#schedule(0);
  }

  /** Followers check their session again (users changed: someone may have lost the admin permission). */
  recheck(): void {
    if (this.#waiters.size) this.#publish(this.#stats);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#followers = 0;
  }

  #schedule(delayMs: number): void {
    if (this.#reading) this.#readAgain = true;
    else this.#timer ??= setTimeout(() => void this.#read(), delayMs).unref();
  }

  async #read(): Promise<void> {
    this.#timer = null;
    if (!this.#followers) return;
    this.#reading = true;
    this.#readAgain = false;
    let again = COALESCE_MS;
    try {
      const read = { ...(await readConnectionStats(this.db)), live: true };
      if (!this.#followers) return; // everyone left meanwhile: kept, it would be old by the next join
      // Superjson sends dates, not their JSON: compare what would be sent.
      if (JSON.stringify(read) !== JSON.stringify(this.#stats)) this.#publish(read);
    } catch (error) {
      this.log.warn({ error: (error as Error).message }, 'realtime: reading connection stats failed; retrying');
      if (this.#stats?.live) this.#publish({ ...this.#stats, live: false });
      this.#readAgain = true;
      again = RETRY_MS;
    } finally {
      this.#reading = false;
    }
    if (this.#readAgain) this.#schedule(again);
  }

  #publish(stats: ConnectionStats | null): void {
    this.#stats = stats;
    this.#version += 1;
    for (const wake of [...this.#waiters]) wake();
  }
}
