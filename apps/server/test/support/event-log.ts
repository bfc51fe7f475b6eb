/** Reading a live, resumable tRPC subscription (`goals.onEvent`, `notifications.onEvent`) in tests. */
import type { Unsubscribable } from '@trpc/server/observable';

/** One message of a tracked subscription: the id a client resumes after, and the event. */
export interface Tracked<T> {
  id: string;
  data: T;
}

/** A tracked subscription procedure of a tRPC client, e.g. `client.goals.onEvent`. */
export interface TrackedSubscription<T> {
  subscribe(
    input: { lastEventId?: string },
    observer: { onStarted(): void; onData(event: Tracked<T>): void; onError(error: unknown): void },
  ): Unsubscribable;
}

/**
 * A live subscription and everything it has received. `take(n)` waits for the next n events
 * (the test's timeout bounds the wait), so nothing depends on timing.
 */
export class EventLog<T> {
  readonly received: Array<Tracked<T>> = [];
  error: unknown = null;
  #taken = 0;
  #waiters: Array<() => void> = [];
  #subscription: Unsubscribable | null = null;

  /**
   * Subscribes after `lastEventId` (or, without it, from wherever the server starts the stream)
   * and resolves once the server has started the subscription.
   */
  static async open<T>(procedure: TrackedSubscription<T>, lastEventId?: string): Promise<EventLog<T>> {
    const log = new EventLog<T>();
    await new Promise<void>((started, failed) => {
      log.#subscription = procedure.subscribe(lastEventId === undefined ? {} : { lastEventId }, {
        onStarted: () => started(),
        onData: (event) => log.#wake(() => log.received.push(event)),
        onError: (error) => {
          log.#wake(() => (log.error = error));
          failed(error);
        },
      });
    });
    return log;
  }

  /** The next `count` events not taken yet. */
  async take(count: number): Promise<Array<Tracked<T>>> {
    while (this.received.length < this.#taken + count) {
      if (this.error) throw this.error;
      await this.#nextChange();
    }
    const events = this.received.slice(this.#taken, this.#taken + count);
    this.#taken += count;
    return events;
  }

  /** Waits for the subscription's error (e.g. a limit); the test's timeout fails it if none comes. */
  async failure(): Promise<unknown> {
    while (!this.error) await this.#nextChange();
    return this.error;
  }

  /** Waits until the log holds every event up to the stream head `lastEventId`. */
  async reached(lastEventId: string): Promise<void> {
    while (Number(this.lastId ?? 0) < Number(lastEventId)) {
      if (this.error) throw this.error;
      await this.#nextChange();
    }
  }

  get lastId(): string | undefined {
    return this.received.at(-1)?.id;
  }

  close(): void {
    this.#subscription?.unsubscribe();
  }

  /** Resolves at the next event or error. */
  #nextChange(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(update: () => void): void {
    update();
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
