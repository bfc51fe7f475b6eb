/**
 * Serves the original deployment's paths (routes.ts) under /api/ (all but /api/v1/, the REST
 * API): authenticated like every HTTP call (`Authorization: Bearer <session token>`), answered in
 * its JSON, and failing as FastAPI did: `{"detail": "..."}`, with 422 for input that does not
 * validate. `/api/notifications/ws` is a WebSocket: upgrades never reach this handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { getPathRegExp } from 'trpc-to-openapi';
import { z } from 'zod';
import type { Context, Logger } from '@pms/api';
import { callFailure, readJsonObject, retryAfterHeader, sendJson, type CreateContext } from '../json-api.js';
import { callerOf, COMPAT_ROUTES } from './routes.js';

const routes = COMPAT_ROUTES.map((route) => ({ ...route, pattern: getPathRegExp(route.path) }));

const pathId = z.coerce
  .number({ error: 'id must be a number' })
  .int({ error: 'id must be a whole number' })
  .positive({ error: 'id must be positive' });

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new TRPCError({ code: 'BAD_REQUEST', message: result.error.issues.map((issue) => issue.message).join('; '), cause: result.error });
}

export function compatHandler(options: { createContext: CreateContext; maxBodySize: number; log: Logger }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url!, 'http://localhost');
    const path = url.pathname.replace(/\/$/, '');
    const matches = routes.filter((route) => route.pattern.test(path));
    const route = matches.find((candidate) => candidate.method === req.method);
    if (!route) {
      if (matches.length === 0) return sendJson(res, 404, { detail: 'Not Found' });
      return sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: [...new Set(matches.map((m) => m.method))].join(', ') });
    }
    let ctx: Context | undefined;
    try {
      const params = route.pattern.exec(path)!.groups ?? {};
      const input = {
        id: params.id === undefined ? 0 : parsed(pathId, params.id),
        query: route.query ? parsed(route.query, Object.fromEntries(url.searchParams)) : {},
        body: route.body ? parsed(route.body, await readJsonObject(req, res, options.maxBodySize)) : {},
      };
      ctx = await options.createContext({ req, res });
      sendJson(res, 200, route.response.parse(await route.run(callerOf(ctx), input)));
    } catch (cause) {
      const failure = callFailure(cause, { path: `${req.method} ${route.path}`, ctx, req, log: options.log });
      // FastAPI answers a request that does not validate with 422.
      const status = failure.issues ? 422 : failure.status;
      sendJson(res, status, { detail: failure.message }, retryAfterHeader(failure.retryAfterSeconds));
    }
  };
}
