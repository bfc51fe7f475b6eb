/**
 * A throttled call (its error caused by RetryLater) says when to come back in HTTP's own words
 * too: `Retry-After`, the longest wait of a batch. For the tRPC handler (its responseMeta); the
 * JSON handlers answer one call each (json-api.ts retryAfterHeader).
 */
import type { TRPCError } from '@trpc/server';
import { RetryLater } from '@pms/api';

export function retryAfterHeaders(errors: TRPCError[]): Record<string, string> {
  const waits = errors.flatMap((error) => (error.cause instanceof RetryLater ? [error.cause.seconds] : []));
  return waits.length ? { 'retry-after': String(Math.max(...waits)) } : {};
}
