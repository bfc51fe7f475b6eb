/**
 * How clients hold their WebSocket (tRPC wsLink): the SPA and the tests use the same policy.
 *
 * What we rely on from @trpc/client 11: with `keepAlive` the client sends PING after
 * `intervalMs` without traffic and closes the socket when no PONG comes within
 * `pongTimeoutMs`; on any close it reconnects after `retryDelayMs(attempt)` and resends every
 * open subscription with the `lastEventId` of its last tracked message, which the server
 * resumes from (nothing missed, nothing doubled).
 */
export const WS_KEEPALIVE = { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 } as const;

/**
 * Exponential backoff with jitter: within [base/2, base] on the first attempt, doubling up
 * to 30 s. The jitter spreads out thousands of clients reconnecting after a restart.
 */
export function reconnectDelayMs(attempt: number, baseMs = 1000, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
