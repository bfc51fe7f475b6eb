/** Helpers for the notifications suites: creating notifications, and live subscriptions to read. */
import type { Unsubscribable } from '@trpc/server/observable';
import { publish, type NewNotification, type NotificationEvent } from '@pms/api';
import type { DB } from '@pms/db';
import type { Client } from './server.js';

const TTL_DAYS = 30;

export async function userIdOf(db: DB, email: string): Promise<number> {
  const row = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return row.id;
}

/** A notification for `recipientId`, numbered so tests can tell them apart. */
export function sample(recipientId: number, n: number, extra: Partial<NewNotification> = {}): NewNotification {
  return { recipientId, type: 'GOAL_SUBMITTED', title: `Notification ${n}`, message: `Message ${n}`, data: { n }, ...extra };
}

/** Commits notifications the way producers do: publish() inside a transaction. Returns their ids. */
export async function notify(db: DB, notifications: NewNotification[]): Promise<number[]> {
  const stored = await db.transaction().execute((trx) => publish(trx, { notifications, ttlDays: TTL_DAYS }));
  return stored.map((n) => n.id);
}

export interface Received {
  id: string;
  data: NotificationEvent;
}

/**
 * A live `notifications.onEvent` subscription and everything it has received. `take(n)` waits
 * for the next n events (the test's timeout bounds the wait), so nothing depends on timing.
 */
export class EventLog {
  readonly received: Received[] = [];
  error: unknown = null;
  #taken = 0;
  #waiters: Array<() => void> = [];
  #subscription: Unsubscribable | null = null;

  /**
   * Follows the caller's notifications from now, as a client should: `stats` gives the stream
   * position its counts reflect, and the subscription continues exactly from there.
   */
  static async follow(client: Client): Promise<EventLog> {
    const { lastEventId } = await client.notifications.stats.query();
    return EventLog.open(client, lastEventId);
  }

  /**
   * Subscribes and resolves once the server has started the subscription. Without `lastEventId`
   * the server positions it at "now" shortly after starting: use `follow` when the test commits
   * something right away and expects it.
   */
  static async open(client: Client, lastEventId?: string): Promise<EventLog> {
    const log = new EventLog();
    await new Promise<void>((started, failed) => {
      log.#subscription = client.notifications.onEvent.subscribe(lastEventId === undefined ? {} : { lastEventId }, {
        onStarted: () => started(),
        onData: (event) => log.#push(event),
        onError: (error) => {
          log.#fail(error);
          failed(error);
        },
      });
    });
    return log;
  }

  /** The next `count` events not taken yet. */
  async take(count: number): Promise<Received[]> {
    while (this.received.length < this.#taken + count) {
      if (this.error) throw this.error;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const events = this.received.slice(this.#taken, this.#taken + count);
    this.#taken += count;
    return events;
  }

  /** Waits for the subscription's error (e.g. a limit), failing if events arrive instead. */
  async failure(): Promise<unknown> {
    while (!this.error) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.error;
  }

  get lastId(): string | undefined {
    return this.received.at(-1)?.id;
  }

  close(): void {
    this.#subscription?.unsubscribe();
  }

  #push(event: Received): void {
    this.received.push(event);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #fail(error: unknown): void {
    this.error = error;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** The `n` of created-notification events (see `sample`), for comparing sequences. */
export function numbers(events: Received[]): unknown[] {
  return events.map((event) => (event.data.kind === 'created' ? event.data.notification.data.n : event.data.kind));
}
