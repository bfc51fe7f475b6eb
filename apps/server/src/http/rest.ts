/**
 * The REST API under /api/v1: the tRPC procedures that carry `openapi` meta (trpc-to-openapi's
 * convention: method, path with `{param}`s, tags), called through `appRouter.createCaller`, so
 * the same rules, checks and errors apply, in plain JSON instead of superjson.
 * GET /api/v1/openapi.json describes it (rest-document.ts), GET /api/v1/docs renders that (api-docs.ts).
 *
 * trpc-to-openapi makes the document; its request handler is not used: it turns query strings
 * into numbers by setting `coerce` on the procedure's own zod schemas, which then coerce for every
 * later tRPC call too ("5" or true as an id), turns "false" into true, and answers bad input with
 * "Input validation failed". Here only query and path values, which are always text, are read as
 * the numbers and booleans the schema asks for; JSON bodies are taken as they are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyProcedure } from '@trpc/server';
import { forEachOpenApiProcedure, getInputOutputParsers, getPathRegExp, normalizePath, unwrapZodType } from 'trpc-to-openapi';
import { appRouter, type Context, type Logger } from '@pms/api';
import { callFailure, procedureOf, readJsonObject, retryAfterHeader, sendJson, type CreateContext } from './json-api.js';

export const REST_BASE = '/api/v1';

interface Route {
  method: string;
  pattern: RegExp;
  /** The procedure's path in the router, 'goals.approve'. */
  procedure: string;
  /** Whether the procedure takes input at all (z.void() takes none). */
  takesInput: boolean;
  /** The zod type of each input field ('number', 'boolean', 'string', ...), to read query and path text. */
  fieldTypes: Record<string, string>;
}

const zodType = (schema: unknown): string => (schema as { _zod: { def: { type: string } } })._zod.def.type;

function routesOf(): Route[] {
  const routes: (Route & { literal: boolean })[] = [];
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  forEachOpenApiProcedure(procedures, ({ path, procedure, meta }) => {
    const input = unwrapZodType(getInputOutputParsers(procedure).inputParser, true);
    const shape = (input as { shape?: Record<string, unknown> }).shape ?? {};
    const route = normalizePath(meta.openapi.path);
    routes.push({
      method: meta.openapi.method,
      pattern: getPathRegExp(route),
      procedure: path,
      takesInput: !['void', 'undefined', 'never'].includes(zodType(input)),
      fieldTypes: Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, zodType(unwrapZodType(field as never, false))])),
      literal: !route.includes('{'),
    });
  });
  // GET /goals/mine before GET /goals/{id}.
  return routes.sort((a, b) => Number(b.literal) - Number(a.literal));
}

/** Query and path values are text: a number or boolean field reads them as such; anything else is left for zod to name. */
function fromText(type: string | undefined, value: string | string[]): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'number' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function textInput(route: Route, entries: Iterable<[string, string | string[]]>): Record<string, unknown> {
  return Object.fromEntries([...entries].map(([name, value]) => [name, fromText(route.fieldTypes[name], value)]));
}

function queryEntries(params: URLSearchParams): [string, string | string[]][] {
  return [...new Set(params.keys())].map((name) => {
    const values = params.getAll(name);
    return [name, values.length === 1 ? values[0]! : values];
  });
}

interface RestApiOptions {
  createContext: CreateContext;
  maxBodySize: number;
  log: Logger;
  /** The OpenAPI document, served as it is. */
  document: object;
  /** Serves GET /api/v1/docs and its files; false when the path is not one of them. */
  docs(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

export function createRestApi(options: RestApiOptions) {
  const routes = routesOf();
  const document = JSON.stringify(options.document);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url!, 'http://localhost');
    const path = url.pathname.slice(REST_BASE.length).replace(/\/$/, '') || '/';
    if (path === '/openapi.json' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(document);
      return;
    }
    if (options.docs(req, res, path)) return;
    const matches = routes.filter((route) => route.pattern.test(path));
    const route = matches.find((candidate) => candidate.method === req.method);
    if (!route) {
      if (matches.length === 0) return sendJson(res, 404, { code: 'NOT_FOUND', message: `No such path: ${REST_BASE}${path}` });
      const allowed = [...new Set(matches.map((match) => match.method))].join(', ');
      return sendJson(
        res,
        405,
        { code: 'METHOD_NOT_SUPPORTED', message: `${req.method} is not allowed here; use ${allowed}` },
        { allow: allowed },
      );
    }
    let ctx: Context | undefined;
    try {
      const pathInput = textInput(
        route,
        Object.entries(route.pattern.exec(path)!.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
      );
      const rest =
        req.method === 'GET' || req.method === 'DELETE'
          ? textInput(route, queryEntries(url.searchParams))
          : await readJsonObject(req, res, options.maxBodySize);
      ctx = await options.createContext({ req, res });
      const result = await procedureOf(ctx, route.procedure)(route.takesInput ? { ...rest, ...pathInput } : undefined);
      sendJson(res, 200, result);
    } catch (cause) {
      const { status, retryAfterSeconds, ...failure } = callFailure(cause, { path: route.procedure, ctx, req, log: options.log });
      sendJson(res, status, failure, retryAfterHeader(retryAfterSeconds));
    }
  };
}
