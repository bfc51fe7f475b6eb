/**
 * Request ids and the one log line per HTTP request (method, path, status, duration, and who:
 * the user, or the API key by id and name).
 * WebSocket messages get no line of their own: their errors name the connection instead.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { databaseFault, type Context, type Logger } from '@pms/api';

/** An incoming `x-request-id` is kept only if it is short and harmless in a log line or a header. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

interface RequestRecord {
  id: string;
  /** Set once the session is known (createContext). */
  userId: number | null;
  /** Set instead when a service called with an API key. */
  apiKey: { id: number; name: string } | null;
}

const records = new WeakMap<IncomingMessage, RequestRecord>();

/** Gives the request its id (echoed as `x-request-id`) and logs it when the response is done. */
export function trackRequest(log: Logger, req: IncomingMessage, res: ServerResponse): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  const record: RequestRecord = { id, userId: null, apiKey: null };
  records.set(req, record);
  res.setHeader('x-request-id', id);
  const started = performance.now();
  // Read now: the REST handler rewrites req.url (it strips /api/v1) before the line is written.
  const path = req.url?.split('?')[0]; // never the query string: tRPC puts inputs there
  res.once('close', () => {
    log.info(
      {
        reqId: id,
        userId: record.userId,
        ...(record.apiKey && { apiKeyId: record.apiKey.id, apiKeyName: record.apiKey.name }),
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      'request',
    );
  });
}

/** Records who made the request, for its log line; returns the session as it was. */
export function withRequestUser<T extends { user: { id: number } } | null>(req: IncomingMessage, session: T): T {
  const record = records.get(req);
  if (record) record.userId = session?.user.id ?? null;
  return session;
}

/** Records which API key made the request, for its log line; returns the key as it was. */
export function withRequestKey<T extends { id: number; name: string } | null>(req: IncomingMessage, key: T): T {
  const record = records.get(req);
  if (record) record.apiKey = key && { id: key.id, name: key.name };
  return key;
}

/**
 * Logs an unexpected error (INTERNAL_SERVER_ERROR) of a tRPC call with its stack, and with the
 * request id over HTTP or the connection id over WebSocket. Expected errors (bad input, refusals)
 * are the client's business and stay out of the log. Inputs are never logged.
 */
export function logCallError(
  log: Logger,
  opts: { error: { code: string; cause?: unknown }; path: string | undefined; req: IncomingMessage; ctx: Context | undefined },
): void {
  if (opts.error.code !== 'INTERNAL_SERVER_ERROR') return;
  const { ctx } = opts;
  const where =
    ctx?.transport.kind === 'ws' ? { connectionId: ctx.transport.connectionId } : { reqId: records.get(opts.req)?.id ?? null };
  const who = { ...where, userId: ctx?.session?.user.id ?? null, path: opts.path };
  // A database fault (lost connection, timeout) is answered as retriable: a warning, not a bug with a stack.
  const fault = databaseFault(opts.error.cause);
  if (fault) log.warn({ ...who, fault: fault.message }, 'database fault');
  else log.error({ ...who, err: opts.error.cause ?? opts.error }, 'unexpected error');
}
