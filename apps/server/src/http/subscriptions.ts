/**
 * tRPC subscriptions are served over WebSocket only. tRPC would also stream them over HTTP as
 * Server-Sent Events, outside the socket registry: no per-user cap, no connection stats, and a
 * session read once when the stream opens; so such requests are answered with
 * METHOD_NOT_SUPPORTED, before any stream starts. Server-Sent Events are offered in plain JSON,
 * inside the registry, at GET /api/v1/notifications/events (live-events.ts).
 */
import type { AnyProcedure } from '@trpc/server';
import { appRouter } from '@pms/api';
import type { Refusal } from './refuse.js';

// At run time `_def.procedures` is keyed by full path ('notifications.onEvent'); its type is the nested router.
const SUBSCRIPTION_PATHS = new Set(
  Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
    .filter(([, procedure]) => procedure._def.type === 'subscription')
    .map(([path]) => path),
);

/** The refusal for a request whose `procedurePath` (what follows /trpc/) names a subscription. */
export function subscriptionRefusal(procedurePath: string): Refusal | null {
  // A path that does not decode is refused before this (malformed-path.ts).
  return SUBSCRIPTION_PATHS.has(decodeURIComponent(procedurePath)) ? { code: 'METHOD_NOT_SUPPORTED', message: 'Subscriptions are served over WebSocket only' } : null;
}
