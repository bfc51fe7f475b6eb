export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/**
 * Delay before reconnect attempt `attempt` (0 = the first retry): doubling from `baseMs`
 * up to `maxMs`, then jittered within the upper half of that window so a restarted server
 * is not hit by every client in the same millisecond.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random, options = RECONNECT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
