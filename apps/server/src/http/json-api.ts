/**
 * What the REST API (rest.ts) and the original deployment's paths (compat/) share: reading a JSON
 * body within the size limit, calling a procedure as the request's caller, and turning its error
 * into a status and a message that says what is wrong, the one tRPC clients get (the app's error
 * formatter: "field: problem" for bad input, a generic message for a bug in production).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { ZodError } from 'zod';
import { appRouter, type Context, type Logger } from '@pms/api';
import { logCallError } from '../ops/requests.js';
import type { Refusal } from './refuse.js';

export type CreateContext = (opts: { req: IncomingMessage; res: ServerResponse }) => Promise<Context>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** The body as a JSON object; none at all is `{}`. Larger than `maxBodySize`: 413, even without a Content-Length. */
export async function readJsonObject(req: IncomingMessage, res: ServerResponse, maxBodySize: number): Promise<Record<string, unknown>> {
  const text = await incomingMessageToRequest(req, res, { maxBodySize }).text();
  if (text.trim() === '') return {};
  const mediaType = req.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new TRPCError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Send the body as application/json (not ${mediaType ?? 'without a content type'})`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `The body is not valid JSON: ${(error as Error).message}` });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The body must be a JSON object' });
  }
  return body as Record<string, unknown>;
}

/** A procedure of the app router by its path ('goals.approve'), bound to the caller. */
export function procedureOf(ctx: Context, path: string): (input?: unknown) => Promise<unknown> {
  const caller = appRouter.createCaller(ctx) as unknown as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
  const [group, name] = path.split('.') as [string, string];
  return caller[group]![name]!;
}

export interface CallFailure {
  status: number;
  code: TRPC_ERROR_CODE_KEY;
  message: string;
  /** Bad input: each problem with the field it is about ('' for the input as a whole). */
  issues?: { path: string; message: string }[];
  retryAfterSeconds?: number;
}

/** The error as tRPC would answer it (status, code and message through the app's error formatter); bugs are logged. */
export function callFailure(
  cause: unknown,
  call: { path: string | undefined; ctx: Context | undefined; req: IncomingMessage; log: Logger },
): CallFailure {
  const error = getTRPCErrorFromUnknown(cause);
  logCallError(call.log, { error, path: call.path, req: call.req, ctx: call.ctx });
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path: call.path,
    input: undefined,
    ctx: call.ctx,
  });
  const data = shape.data as { code: TRPC_ERROR_CODE_KEY; httpStatus: number; retryAfterSeconds?: number };
  return {
    status: data.httpStatus,
    code: data.code,
    message: shape.message,
    ...(error.cause instanceof ZodError && error.code === 'BAD_REQUEST'
      ? { issues: error.cause.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) }
      : {}),
    ...(data.retryAfterSeconds !== undefined && { retryAfterSeconds: data.retryAfterSeconds }),
  };
}

/** The Retry-After header of a throttled call's failure; none for any other. */
export function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

/** A request refused before any call (CSRF, size): `{message, code}` on /api/v1, the original's `{detail}` elsewhere under /api/. */
export function refuseJson(res: ServerResponse, { code, message }: Refusal, style: 'rest' | 'compat'): void {
  const status = getHTTPStatusCodeFromError(new TRPCError({ code, message }));
  sendJson(res, status, style === 'rest' ? { code, message } : { detail: message });
}
