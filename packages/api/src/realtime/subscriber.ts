import type { StoredUserEvent } from './stored-events.js';

/**
 * One subscription's place in its user's stream: what the hub has handed it and what it
 * still has to deliver. Deliberately small (a few fields, no queue while idle): there is one
 * per subscribed socket, tens of thousands per process.
 */
export class Subscriber {
  /**
   * Highest seq handed over, by the hub or by a database read (events of other topics count
   * as handed over too). The hub offers only events beyond it. Null until the consumer knows
   * where it starts; the hub offers it nothing until then.
   */
  cursor: number | null = null;
  /**
   * The consumer must read from the database before taking the queue: true at the start
   * (unless it starts at the head and no announcement came before it knew that head), after
   * a full page, and when the queue overflowed and was dropped.
   */
  needsRead = true;
  #queue: StoredUserEvent[] | null = null;
  #wake: (() => void) | null = null;

  constructor(
    readonly userId: number,
    readonly topic: string,
    private readonly maxQueued: number,
  ) {}

  /** Moves the cursor forward (or sets it, the first time); never back. */
  advanceTo(seq: number): void {
    if (this.cursor === null || seq > this.cursor) this.cursor = seq;
  }

  /**
   * Takes an event from the hub unless it has it already. A full queue is dropped rather
   * than grown: the consumer then reads the same events from the database at its own pace,
   * so a slow client costs a bounded amount of memory and loses nothing. Returns true when
   * that happened.
   */
  offer(event: StoredUserEvent): boolean {
    if (this.cursor === null || event.seq <= this.cursor) return false;
    this.cursor = event.seq;
    if (event.topic !== this.topic) return false;
    let overflowed = false;
    if (!this.#queue) this.#queue = [event];
    else if (this.#queue.length < this.maxQueued) this.#queue.push(event);
    else {
      this.#queue = null;
      this.needsRead = true;
      overflowed = true;
    }
    this.wake();
    return overflowed;
  }

  /** The queued events, oldest first, emptying the queue. */
  take(): StoredUserEvent[] {
    const queue = this.#queue ?? [];
    this.#queue = null;
    return queue;
  }

  get queued(): number {
    return this.#queue?.length ?? 0;
  }

  /**
   * Resolves once there is something to do, or when woken (the consumer's signal aborts). Not
   * an async function: the wait lives until the user's next event, mostly past two scavenges
   * into the old generation, so it is one promise and its resolver, nothing more.
   */
  whenReady(signal?: AbortSignal): Promise<void> {
    if (this.#queue || this.needsRead || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#wake = resolve));
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
