/**
 * Login throttling, after rate-limiter-flexible's login-protection pattern, in PostgreSQL so that
 * every instance shares the counts. Three limits:
 * - failures in a row for one account from one address: a lockout (reset by a correct password);
 * - failures per address per hour: one address guessing across many accounts;
 * - failures per account per hour: many addresses guessing one account. It is counted only for
 *   attempts the first limit let through, so one address alone (at most N per lockout) can never
 *   lock a user out.
 * Each attempt takes its points BEFORE the password is checked (an atomic upsert), so concurrent
 * attempts, in one batch or many requests, cannot all slip past a check-then-count; a correct
 * password gives its point back. Throttled attempts never reach argon2.
 */
import { TRPCError } from '@trpc/server';
import { isIPv6 } from 'node:net';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DB } from '@pms/db';
import type { Logger } from '../ops/logger.js';
import { rateLimitStore } from '../lib/rate-limit-store.js';
import { RetryLater, waitInWords } from '../lib/retry-later.js';

export interface LoginThrottlePolicy {
  /** Failures in a row for one account from one address before the lockout. */
  failuresPerAccountAndAddress: number;
  lockoutMinutes: number;
  failuresPerAddressPerHour: number;
  failuresPerAccountPerHour: number;
}

export type ThrottleLimit = 'account-and-address' | 'address' | 'account';

const HOUR = 3600;
/** How long failures in a row are remembered when no lockout follows. */
const CONSECUTIVE_WINDOW = 24 * HOUR;

export class LoginThrottle {
  readonly #byAccountAndAddress: RateLimiterPostgres;
  readonly #byAddress: RateLimiterPostgres;
  readonly #byAccount: RateLimiterPostgres;

  /** `onThrottled` is where a refused attempt is recorded (metrics: logins refused, reason "throttled"). */
  constructor(
    db: DB,
    policy: LoginThrottlePolicy,
    private readonly log: Logger,
    private readonly onThrottled: (limit: ThrottleLimit) => void = () => {},
  ) {
    const store = rateLimitStore(db);
    this.#byAccountAndAddress = new RateLimiterPostgres({
      ...store,
      keyPrefix: 'login_fail_account_address',
      points: policy.failuresPerAccountAndAddress,
      duration: CONSECUTIVE_WINDOW,
      blockDuration: policy.lockoutMinutes * 60,
      // One limiter sweeps the whole table (rows expired an hour ago, every 5 minutes).
      clearExpiredByTimeout: true,
    });
    this.#byAddress = new RateLimiterPostgres({
      ...store,
      keyPrefix: 'login_fail_address',
      points: policy.failuresPerAddressPerHour,
      duration: HOUR,
      clearExpiredByTimeout: false,
    });
    this.#byAccount = new RateLimiterPostgres({
      ...store,
      keyPrefix: 'login_fail_account',
      points: policy.failuresPerAccountPerHour,
      duration: HOUR,
      clearExpiredByTimeout: false,
    });
  }

  /**
   * Counts an attempt before its password is checked. Throws TOO_MANY_REQUESTS (with the wait)
   * over a limit, and SERVICE_UNAVAILABLE when the counts cannot be read: without them every guess
   * would go unchecked, so sign-in fails closed.
   */
  async admit(email: string, address: string): Promise<void> {
    const keys = throttleKeys(email, address);
    const limits: [ThrottleLimit, RateLimiterPostgres, string][] = [
      ['account-and-address', this.#byAccountAndAddress, keys.accountAndAddress],
      ['address', this.#byAddress, keys.address],
      ['account', this.#byAccount, keys.account],
    ];
    for (const [limit, limiter, key] of limits) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw this.#unavailable(rejection);
        this.onThrottled(limit);
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `Too many sign-in attempts; try again in ${waitInWords(seconds)}`,
          cause: new RetryLater(seconds),
        });
      }
    }
  }

  /** A correct password: the failures in a row are forgotten, and the hourly limits get this attempt's point back. */
  async succeeded(email: string, address: string): Promise<void> {
    const keys = throttleKeys(email, address);
    try {
      await Promise.all([
        this.#byAccountAndAddress.delete(keys.accountAndAddress),
        this.#byAddress.reward(keys.address),
        this.#byAccount.reward(keys.account),
      ]);
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  #unavailable(cause: unknown): TRPCError {
    this.log.warn({ error: cause instanceof Error ? cause.message : String(cause) }, 'login throttle: the rate_limits store failed');
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Sign-in is unavailable for a moment; try again shortly', cause });
  }
}

function throttleKeys(email: string, address: string) {
  const network = addressKey(address);
  return { accountAndAddress: `${email}|${network}`, address: network, account: email };
}

/** IPv6 clients usually hold a whole /64: counting single addresses would give them 2^64 budgets. */
function addressKey(address: string): string {
  const plain = address.split('%')[0]!; // drop a zone id
  if (!isIPv6(plain)) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
