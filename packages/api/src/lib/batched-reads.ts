/**
 * Reads by key, coalesced: keys asked for while a read is under way wait for the next one, which
 * takes up to `maxKeys` of them in one statement. A storm of N requests (every client reconnecting
 * after a restart) then costs about N / maxKeys queries and holds one pool connection, instead of
 * queueing N calls for the pool, where its acquire timeout would fail them.
 */
interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

export class BatchedReads<K, V> {
  readonly #waiting = new Map<K, Array<Waiter<V>>>();
  #busy = false;

  constructor(
    /** Reads these keys; a key missing from the result reads as undefined. */
    private readonly readMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 1000,
  ) {}

  read(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      if (!this.#busy) {
        this.#busy = true;
        // After this turn's other requests have joined the batch.
        setImmediate(() => void this.#readNext());
      }
    });
  }

  async #readNext(): Promise<void> {
    const batch = new Map<K, Array<Waiter<V>>>();
    for (const [key, waiters] of this.#waiting) {
      if (batch.size === this.maxKeys) break;
      batch.set(key, waiters);
      this.#waiting.delete(key);
    }
    try {
      const values = await this.readMany([...batch.keys()]);
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(values.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
    if (this.#waiting.size > 0) void this.#readNext();
    else this.#busy = false;
  }
}
