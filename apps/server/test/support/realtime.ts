/**
 * A second Realtime on a test server's database, in the test's process (as another instance would
 * run it), serving the topics the test names and telling the test every statement it runs.
 * Subscriptions are driven through streamUserEvents directly, with no socket in between.
 */
import { randomUUID } from 'node:crypto';
import type { TrackedEnvelope } from '@trpc/server';
import { Realtime, resolveSession, streamUserEvents, type ApiDeps, type Topic } from '@pms/api';
import { createDatabase } from '@pms/db';
import type { Person, TestServer } from './server.js';

export interface TestRealtime {
  realtime: Realtime;
  /** Every statement run on its database connections, in order. */
  statements: string[];
  /** Resolves once `count` statements matching `pattern` have completed. */
  completed(pattern: RegExp, count: number): Promise<void>;
  stream<T>(person: Person, topic: Topic<T>, lastEventId?: string): Promise<InProcessStream<T>>;
  close(): Promise<void>;
}

/** A subscription served in-process: `take()` is its next message, with its id. */
export class InProcessStream<T> {
  readonly #abort = new AbortController();
  readonly #generator: AsyncGenerator<TrackedEnvelope<T>>;
  #next: Promise<IteratorResult<TrackedEnvelope<T>>>;

  constructor(start: (signal: AbortSignal) => AsyncGenerator<TrackedEnvelope<T>>) {
    this.#generator = start(this.#abort.signal);
    // Started at once: it registers with the hub and reads its position now, not at the first take().
    this.#next = this.#generator.next();
  }

  async take(): Promise<{ id: string; data: T }> {
    const result = await this.#next;
    if (result.done) throw new Error('the stream ended');
    this.#next = this.#generator.next();
    const [id, data] = result.value;
    return { id, data };
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#next.catch(() => undefined);
  }
}

export async function startRealtime(server: TestServer, topics: readonly Topic[]): Promise<TestRealtime> {
  const statements: string[] = [];
  const waiters: Array<() => void> = [];
  const db = createDatabase({
    connectionString: server.databaseUrl,
    max: 4,
    onQuery: (text) => {
      statements.push(text);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const realtime = new Realtime({
    db,
    connectionString: server.databaseUrl,
    instanceId: `test-${randomUUID()}`,
    topics,
    maxSocketsPerUser: 10,
    maxSubscriptionsPerSocket: 10,
    log: server.app.deps.log,
  });
  await realtime.start();
  const deps: ApiDeps = { ...server.app.deps, db, realtime };
  return {
    realtime,
    statements,
    async completed(pattern, count) {
      while (statements.filter((text) => pattern.test(text)).length < count) await new Promise<void>((wake) => waiters.push(wake));
    },
    async stream(person, topic, lastEventId) {
      const session = (await resolveSession(db, deps.tokens, person.token))!;
      return new InProcessStream((signal) => streamUserEvents({ deps, session }, { topic, lastEventId, signal }));
    },
    async close() {
      await realtime.stop();
      await db.destroy();
    },
  };
}
