/**
 * Subscriptions are served over WebSocket only. tRPC would also stream them over HTTP as
 * Server-Sent Events, outside the socket registry: no per-user cap, no connection stats, and a
 * session read once when the stream opens. Until the public API offers them, such requests are
 * answered with METHOD_NOT_SUPPORTED, before any stream starts.
 */
import type { ServerResponse } from 'node:http';
import { TRPCError, type AnyProcedure } from '@trpc/server';
import { getErrorShape, getHTTPStatusCodeFromError, transformTRPCResponse } from '@trpc/server/unstable-core-do-not-import';
import { appRouter } from '@pms/api';

const REFUSAL = 'Subscriptions are served over WebSocket only';

// At run time `_def.procedures` is keyed by full path ('notifications.onEvent'); its type is the nested router.
const SUBSCRIPTION_PATHS = new Set(
  Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
    .filter(([, procedure]) => procedure._def.type === 'subscription')
    .map(([path]) => path),
);

/** Answers and returns true when `procedurePath` (what follows /trpc/) names a subscription. */
export function refuseHttpSubscription(procedurePath: string, res: ServerResponse): boolean {
  let path: string;
  try {
    path = decodeURIComponent(procedurePath);
  } catch {
    return false; // tRPC answers a malformed path itself
  }
  if (!SUBSCRIPTION_PATHS.has(path)) return false;
  const error = new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: REFUSAL });
  const config = appRouter._def._config;
  const shape = getErrorShape({ config, error, type: 'subscription', path, input: undefined, ctx: undefined });
  res.writeHead(getHTTPStatusCodeFromError(error), { 'content-type': 'application/json' });
  res.end(JSON.stringify(transformTRPCResponse(config, { error: shape })));
  return true;
}
