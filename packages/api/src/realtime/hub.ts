/**
 * The per-process fan-out of user event streams. The one LISTEN connection announces stream
 * heads (`pms_user_events`: `{ h: [[userId, headSeq], …] }`, sent after commit by events.ts);
 * for users with subscribers here, the hub offers the new events to every local subscriber of
 * that user: as the announcement carries them (carried-events.ts), or read once when it does not
 * or when a subscriber here lacks events before them. Subscribers skip what they already have, so
 * nothing arrives twice or out of order, and a lost announcement heals at the next one (it reads
 * from the lowest cursor, not from the announced head).
 */
import type { Logger } from '../ops/logger.js';
import type { Announcement } from './carried-events.js';
import type { StoredUserEvent, StreamRange, StreamReads } from './stored-events.js';
import { Subscriber } from './subscriber.js';

/** Users per read: bounds one statement's size after a reconnect with many users here. */
const USERS_PER_READ = 200;
/**
 * Reads in flight at once, for different users: one that waits (a busy database, a GC pause
 * mid-read) delays only its own users' deliveries, not every announcement behind it.
 */
const MAX_READS_IN_FLIGHT = 4;
/** Events per user per read; a user with more is read again right after. */
const EVENTS_PER_USER_PER_READ = 100;
/** Pause before retrying after a failed read (the database may be restarting). */
const RETRY_DELAY_MS = 1000;
/** Stands for "to the end of the stream" when no head was announced. */
const STREAM_END = Number.MAX_SAFE_INTEGER;

export interface HubOptions {
  /** Events a subscriber may have waiting before it is switched to reading from the database. */
  maxQueuedPerSubscriber: number;
  log: Logger;
}

export class UserEventHub {
  readonly #byUser = new Map<number, Set<Subscriber>>();
  /** Users whose streams grew, with the highest head announced, waiting for the next read. */
  readonly #pending = new Map<number, number>();
  /** Users a read is in flight for: their next read waits for it, so their events stay in order. */
  readonly #reading = new Set<number>();
  #readsInFlight = 0;
  #scheduled = false;
  #overflows = 0;
  /** Users' stream growths announced here: handed over as the announcement carried them, or left to a read. */
  readonly #announced = { carried: 0, read: 0 };

  constructor(
    private readonly reads: StreamReads,
    private readonly options: HubOptions,
  ) {}

  /** Registers a subscriber; its consumer positions it (see Subscriber.cursor). */
  subscribe(userId: number, topic: string): Subscriber {
    const subscriber = new Subscriber(userId, topic, this.options.maxQueuedPerSubscriber);
    const subscribers = this.#byUser.get(userId);
    if (subscribers) subscribers.add(subscriber);
    else this.#byUser.set(userId, new Set([subscriber]));
    return subscriber;
  }

  unsubscribe(subscriber: Subscriber): void {
    const subscribers = this.#byUser.get(subscriber.userId);
    subscribers?.delete(subscriber);
    if (subscribers?.size === 0) this.#byUser.delete(subscriber.userId);
  }

  /** Handles one `pms_user_events` payload. */
  onAnnouncement(payload: string): void {
    let announcement: Announcement;
    let carried: Map<number, StoredUserEvent[]> | null;
    try {
      announcement = JSON.parse(payload) as Announcement;
      if (!Array.isArray(announcement.h)) throw new Error('no heads');
      carried = this.reads.carriedBy(announcement, (userId) => this.#byUser.has(userId));
    } catch {
      this.options.log.error({ payload: payload.slice(0, 200) }, 'realtime: ignoring a malformed stream announcement');
      return;
    }
    for (const [userId, head] of announcement.h) {
      if (!this.#byUser.has(userId)) continue;
      const events = carried?.get(userId);
      if (events && this.#handOver(userId, events)) this.#announced.carried++;
      else {
        this.#announced.read++;
        this.#announce(userId, head);
      }
    }
  }

  /** After the LISTEN connection came back: announcements may be lost, so read every stream here to its end. */
  catchUpAll(): void {
    for (const userId of this.#byUser.keys()) this.#announce(userId, STREAM_END);
  }

  stats() {
    let subscribers = 0;
    let queuedEvents = 0;
    for (const set of this.#byUser.values()) {
      subscribers += set.size;
      for (const subscriber of set) queuedEvents += subscriber.queued;
    }
    return { users: this.#byUser.size, subscribers, queuedEvents, overflows: this.#overflows };
  }

  /** The counts of #announced so far (read on every metrics scrape: no walk over the subscribers). */
  announced(): { carried: number; read: number } {
    return { ...this.#announced };
  }

  /**
   * Offers carried events at once when every subscriber here that takes the hub's events has all
   * before them; false when they must be read instead: a read for the user is pending or in
   * flight (its events come first), or a subscriber missed an announcement (the read starts at
   * its cursor). Subscribers not positioned yet read for themselves, as with a read (#takeRanges).
   */
  #handOver(userId: number, events: StoredUserEvent[]): boolean {
    const subscribers = this.#byUser.get(userId)!;
    if (this.#pending.has(userId) || this.#reading.has(userId)) return false;
    const before = events[0]!.seq - 1;
    for (const subscriber of subscribers) {
      if (subscriber.cursor === null) subscriber.needsRead = true;
      else if (!subscriber.needsRead && subscriber.cursor < before) return false;
    }
    this.#deliver(events);
    return true;
  }

  #announce(userId: number, head: number): void {
    if (!this.#byUser.has(userId)) return;
    this.#pending.set(userId, Math.max(head, this.#pending.get(userId) ?? 0));
    this.#schedule(0);
  }

  /**
   * Reads for different users run side by side (up to MAX_READS_IN_FLIGHT); a user's are one at
   * a time, so their events reach subscribers in stream order. Announcements arriving within the
   * same tick, or for users whose read is in flight, are coalesced into the next read.
   */
  #schedule(delayMs: number): void {
    if (this.#scheduled || this.#readsInFlight >= MAX_READS_IN_FLIGHT) return;
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      void this.#readPending();
    };
    if (delayMs === 0) setImmediate(run);
    else setTimeout(run, delayMs).unref();
  }

  async #readPending(): Promise<void> {
    const ranges = this.#takeRanges();
    if (ranges.length === 0) return;
    this.#readsInFlight++;
    for (const range of ranges) this.#reading.add(range.userId);
    // More users than one read takes (a catch-up after a reconnect): the next read starts now.
    if (this.#pending.size > 0) this.#schedule(0);
    let delay = 0;
    try {
      // One statement for every user and topic, with what each topic loads: no query per subscriber.
      const events = await this.reads.readRanges(ranges, EVENTS_PER_USER_PER_READ);
      this.#deliver(events);
      // A user who got a full read may have more; cursors moved, so the next read continues.
      const perUser = new Map<number, number>();
      for (const event of events) perUser.set(event.userId, (perUser.get(event.userId) ?? 0) + 1);
      for (const range of ranges) {
        if (perUser.get(range.userId) === EVENTS_PER_USER_PER_READ) this.#requeue(range);
      }
    } catch (error) {
      this.options.log.warn({ error: (error as Error).message, users: ranges.length }, 'realtime: reading announced events failed, retrying');
      for (const range of ranges) this.#requeue(range);
      delay = RETRY_DELAY_MS;
    } finally {
      this.#readsInFlight--;
      for (const range of ranges) this.#reading.delete(range.userId);
      if (this.#pending.size > 0) this.#schedule(delay);
    }
  }

  #requeue(range: StreamRange): void {
    if (!this.#byUser.has(range.userId)) return;
    this.#pending.set(range.userId, Math.max(range.upToSeq, this.#pending.get(range.userId) ?? 0));
  }

  /**
   * What to read for pending users: from the lowest cursor up to the announced head. Subscribers
   * about to read from the database (starting, or lagging) are left out: that read starts after
   * this announcement, so it covers the announced events; the hub does not read them twice.
   * One still starting is told to read: it may have skipped its first read (see streamUserEvents).
   * Users with a read in flight stay pending until it is done.
   */
  #takeRanges(): StreamRange[] {
    const ranges: StreamRange[] = [];
    for (const [userId, head] of this.#pending) {
      if (ranges.length === USERS_PER_READ) break;
      if (this.#reading.has(userId)) continue;
      this.#pending.delete(userId);
      let lowest = Infinity;
      for (const subscriber of this.#byUser.get(userId) ?? []) {
        // Not positioned yet: its head may predate these events, so it reads them itself.
        if (subscriber.cursor === null) subscriber.needsRead = true;
        else if (!subscriber.needsRead && subscriber.cursor < lowest) lowest = subscriber.cursor;
      }
      if (lowest < head) ranges.push({ userId, afterSeq: lowest, upToSeq: head });
    }
    return ranges;
  }

  #deliver(events: StoredUserEvent[]): void {
    for (const event of events) {
      for (const subscriber of this.#byUser.get(event.userId) ?? []) {
        if (subscriber.offer(event)) this.#overflows++;
      }
    }
  }
}
