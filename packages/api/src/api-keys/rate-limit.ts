/**
 * Calls per key per minute, counted in PostgreSQL (rate-limiter-flexible's store, table
 * `rate_limits`), so the limit holds for the key across every instance, and survives restarts.
 * Counted by key id, not secret: rotating a key does not reset its count. Each call of a batched
 * request is one call; a refused call (a missing scope, bad input) counts too, as it cost a
 * lookup all the same.
 */
import { TRPCError } from '@trpc/server';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DB } from '@pms/db';
import { rateLimitStore } from '../lib/rate-limit-store.js';
import { RetryLater, waitInWords } from '../lib/retry-later.js';
import type { Logger } from '../ops/logger.js';
import type { ApiKeyCaller } from './keys.js';

export class ApiKeyRateLimit {
  readonly #limiter: RateLimiterPostgres;

  constructor(
    db: DB,
    readonly callsPerMinute: number,
    private readonly log: Logger,
  ) {
    // The login throttle's limiter sweeps expired rows of the whole table; this one need not.
    this.#limiter = new RateLimiterPostgres({ ...rateLimitStore(db), keyPrefix: 'api_key', points: callsPerMinute, duration: 60, clearExpiredByTimeout: false });
  }

  /**
   * Counts `calls` for the key; throws TOO_MANY_REQUESTS (with the wait, a Retry-After) beyond the
   * limit. When the count cannot be read or written (the database failing), the calls go through
   * and a line is logged: the limit guards capacity, not a secret (a key is 256 random bits, there
   * is nothing to guess), and a call that then needs the database fails on its own with a 503, so
   * refusing here would only turn a store hiccup (a lock timeout on the count's row) into an outage.
   */
  async admit(key: ApiKeyCaller, calls: number): Promise<void> {
    try {
      await this.#limiter.consume(String(key.id), calls);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        this.log.warn({ apiKeyId: key.id, error: rejection instanceof Error ? rejection.message : String(rejection) }, 'api key rate limit: the rate_limits store failed; call let through');
        return;
      }
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `The API key "${key.name}" made more than ${this.callsPerMinute} calls in a minute; try again in ${waitInWords(seconds)}`,
        cause: new RetryLater(seconds),
      });
    }
  }
}
