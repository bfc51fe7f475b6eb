/**
 * How clients hold their WebSocket (tRPC wsLink): the SPA and the tests use the same policy.
 *
 * What we rely on from @trpc/client 11: with `keepAlive` the client sends PING after
 * `intervalMs` without traffic and closes the socket when no PONG comes within
 * `pongTimeoutMs`; on any close it reconnects after `retryDelayMs(attempt)` and resends every
 * open subscription with the `lastEventId` of its last tracked message, which the server
 * resumes from (nothing missed, nothing doubled).
 *
 * Each client PINGs after its own 20-25 s of silence, under common proxies' 60 s idle timeout: a
 * dead socket is noticed within 30 s (the browser's offline event is quicker), and at 19,000
 * sockets keepalive costs ~800 PING/PONG pairs a second instead of 1,900 at 10 s (BENCHMARKS.md).
 * Why each its own: a client's wait restarts with every message, so clients that reconnected
 * together after a restart would otherwise PING together, in one burst, for as long as they idle.
 */
export function wsKeepAlive(random: () => number = Math.random) {
  return { enabled: true, intervalMs: Math.round(20_000 + random() * 5_000), pongTimeoutMs: 5_000 };
}

export interface BackoffOptions {
  /** The ceiling of the first attempt (attempt 0); default 1 s. */
  baseMs?: number;
  /** Where the doubling stops; default 30 s. */
  maxMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with jitter: within [base/2, base] on the first attempt, doubling up
 * to `maxMs`. The jitter spreads out thousands of clients reconnecting after a restart.
 */
export function reconnectDelayMs(attempt: number, { baseMs = 1000, maxMs = 30_000, random = Math.random }: BackoffOptions = {}): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
