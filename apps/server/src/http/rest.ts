/**
 * The REST API under /api/v1, generated from the tRPC procedures that carry `openapi` meta
 * (trpc-to-openapi): the same procedures, rules and errors, in plain JSON instead of superjson.
 * GET /api/v1/openapi.json describes it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpenApiNodeHttpHandler, generateOpenApiDocument } from 'trpc-to-openapi';
import { appRouter, databaseFault, type Context, type Logger } from '@pms/api';
import { compatSocketOpenApi } from './compat-ws.js';
import { liveEventsOpenApi } from './live-events.js';
import { retryAfterHeaders } from './retry-after.js';

export const REST_BASE = '/api/v1';

interface RestApiOptions {
  createContext(opts: { req: IncomingMessage; res: ServerResponse }): Promise<Context>;
  maxBodySize: number;
  log: Logger;
  /** The address the document names as its server. */
  publicUrl: string;
}

/** The procedures' paths, and the streams served beside them (live-events.ts, compat-ws.ts). */
export function openApiDocument(publicUrl: string) {
  const document = generateOpenApiDocument(appRouter, {
    title: 'PMS goals and notifications API',
    version: '1.0.0',
    baseUrl: `${publicUrl}${REST_BASE}`,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`pms_…`) or a session token' },
    },
  });
  return { ...document, paths: { ...document.paths, ...liveEventsOpenApi, ...compatSocketOpenApi(publicUrl) } };
}

export function createRestApi(options: RestApiOptions) {
  const document = JSON.stringify(openApiDocument(options.publicUrl));
  // The node adapter hands our createContext the IncomingMessage itself (the standalone one, a fetch Request).
  const handler = createOpenApiNodeHttpHandler<typeof appRouter, IncomingMessage, ServerResponse>({
    router: appRouter,
    createContext: options.createContext,
    maxBodySize: options.maxBodySize,
    // Retry-After as on /trpc; a database fault is a 503 (the formatter's code), not the 500 the
    // handler would derive from the error before formatting.
    responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors), status: errors.some((error) => databaseFault(error)) ? 503 : undefined }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') options.log.error({ err: error.cause ?? error, path }, 'rest call failed');
    },
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url!.split('?')[0]!;
    if (path === `${REST_BASE}/openapi.json` && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(document);
      return;
    }
    // The handler matches paths as the procedures declare them, without the base.
    req.url = req.url!.slice(REST_BASE.length);
    // It reads a body only when the media type is exactly this (`; charset=utf-8` is the same JSON),
    // and wants one even for a call without input: a request without a body (`curl -X POST`) has none.
    const bodyless = !req.headers['transfer-encoding'] && Number(req.headers['content-length'] ?? 0) === 0;
    if (bodyless || /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) req.headers['content-type'] = 'application/json';
    await handler(req, res);
  };
}
