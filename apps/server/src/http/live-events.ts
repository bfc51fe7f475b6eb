/**
 * GET /api/v1/notifications/events: the caller's notification events as Server-Sent Events, for
 * any HTTP client (`curl -N`, EventSource, a few lines in any language). A person's session
 * authenticates it, by `Authorization: Bearer` (or the session cookie), never by a URL.
 *
 * Each event is plain JSON (no superjson envelope), with `id:` its event id and `event:` its kind.
 * `Last-Event-ID` (or `?lastEventId=`) resumes after that event: nothing missed, nothing doubled.
 * The stream is a connection in the socket registry like a WebSocket (realtime/event-stream.ts):
 * it counts against MAX_SOCKETS_PER_USER, its session is re-checked (a revoked or expired
 * session ends it with an `end` event), it gets a keepalive comment when quiet, and it pauses
 * while its client reads slowly.
 *
 * Faults: a database that does not answer as the stream opens is answered 503 (nothing was
 * streamed); once streaming, a database fault only delays events (streamUserEvents reads again),
 * and a restarting instance ends its streams with `end` ("server shutting down"): the client
 * reconnects, to any instance, with its Last-Event-ID (EventSource does so by itself).
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TRPCError } from '@trpc/server';
import { EventStream, type Context, type Logger, type Realtime } from '@pms/api';
import { callFailure, retryAfterHeader, sendJson, type CreateContext } from './json-api.js';
import { openNotificationStream } from './notification-stream.js';

export const LIVE_EVENTS_PATH = '/api/v1/notifications/events';

/** How long a stopping server waits for its streams' last event to be sent (a slow reader may never take it). */
const CLOSE_WAIT_MS = 1000;

interface LiveEventsOptions {
  /** The HTTP context (app.ts): the stream is one call, for a key's rate limit. */
  createContext: CreateContext;
  realtime: Realtime;
  log: Logger;
}

export function liveEvents({ createContext, realtime, log }: LiveEventsOptions) {
  const open = new Set<EventStream>();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    /** An error raised before the stream started, answered as the REST API answers it (a database fault: 503). */
    const failed = (error: unknown, ctx?: Context): undefined => {
      const { status, retryAfterSeconds, ...failure } = callFailure(error, { path: `GET ${LIVE_EVENTS_PATH}`, ctx, req, log });
      sendJson(res, status, failure, retryAfterHeader(retryAfterSeconds));
      return undefined;
    };
    if (req.method !== 'GET') return answer(res, 405, 'METHOD_NOT_SUPPORTED', 'Open the event stream with GET', { allow: 'GET' });
    if (!acceptsEventStream(req.headers.accept)) {
      return answer(res, 406, 'NOT_ACCEPTABLE', 'This path answers only text/event-stream: send Accept: text/event-stream');
    }
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    if (query.has('token') || query.has('access_token')) {
      return answer(res, 400, 'BAD_REQUEST', 'Send the session token as Authorization: Bearer <token>, never in the URL');
    }
    const ctx = await createContext({ req, res }).catch((error: unknown) => failed(error));
    if (!ctx) return;
    if (ctx.apiKey) {
      const message = `The API key "${ctx.apiKey.name}" has no event stream: a key stands for a service, not a person. Use a person's session token`;
      return answer(res, 403, 'FORBIDDEN', message);
    }
    if (!ctx.session) return answer(res, 401, 'UNAUTHORIZED', 'Sign in, then send Authorization: Bearer <session token>');

    const stream = new EventStream(res);
    const connectionId = realtime.connections.newId();
    if (!realtime.connections.add(stream, { id: connectionId, session: ctx.session })) {
      const max = realtime.connections.limits.maxSocketsPerUser;
      return answer(res, 429, 'TOO_MANY_REQUESTS', `A person may hold at most ${max} live connections (WebSockets and event streams) per server`);
    }
    const lastEventId = header(req, 'last-event-id') ?? query.get('lastEventId');
    const streamCtx: Context = { ...ctx, transport: { kind: 'sse', connectionId } };
    const opened = await openNotificationStream(streamCtx, lastEventId, stream.signal).catch((error: unknown) => failed(error, streamCtx));
    if (!opened) return;

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no', // nginx: pass events on as they come
    });
    open.add(stream);
    // Where the stream starts, as an id: a client that reconnects before any event resumes from here.
    stream.send(opened.from, 'ready', { lastEventId: opened.from });
    try {
      for await (const [id, event] of opened.events) stream.send(id, event.kind, event);
    } catch (error) {
      // The client left, or the session ended (the registry ends the stream with its reason): nothing to add.
      if (!stream.signal.aborted && !(error instanceof TRPCError && error.code === 'UNAUTHORIZED')) {
        log.error({ err: error, connectionId }, 'event stream failed');
        stream.close(1011, 'internal error');
      }
    } finally {
      open.delete(stream);
    }
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse): void {
      serve(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'event stream failed');
        if (!res.headersSent) answer(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
        else res.end();
      });
    },
    /**
     * Ends every stream with `end` and the reason (the server is stopping: clients reconnect
     * elsewhere), and waits up to CLOSE_WAIT_MS for them to go out before the sockets are cut.
     */
    async close(reason: string): Promise<void> {
      const streams = [...open];
      for (const stream of streams) stream.close(1001, reason);
      const gone = streams.map((stream) => (stream.signal.aborted ? null : once(stream.signal, 'abort')));
      await Promise.race([Promise.all(gone), sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
    },
  };
}

/** Whether the request's Accept allows text/event-stream (no Accept header allows anything). */
function acceptsEventStream(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => ['text/event-stream', 'text/*', '*/*'].includes(range.split(';')[0]!.trim().toLowerCase()));
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** A refusal as the REST API answers them: `{ message, code }`. */
function answer(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message, code }, headers);
}

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { message: { type: 'string' }, code: { type: 'string' } },
        required: ['message', 'code'],
      },
    },
  },
});

/** The path in the OpenAPI document (paths there are relative to /api/v1). */
export const liveEventsOpenApi = {
  '/notifications/events': {
    get: {
      operationId: 'notifications-events',
      summary: 'Live notification events (Server-Sent Events)',
      description: [
        "The caller's notification events as they happen, as `text/event-stream`: each event has `id:` (its event id), `event:` (its kind) and `data:` (one line of JSON).",
        'The first event is `ready` with `{"lastEventId": "<id>"}`: where the stream starts. Then `created` and `upserted` (`{"kind", "notification"}`), `read` and `deleted` (`{"kind", "ids"}`), `allRead`, `state` (`{"kind", "ids", "change"}`: seenAt, readAt, archivedAt or snoozedUntil) and `resolved` (`{"kind", "ids", "resolvedAt", "resolution"}`), made on any device or by the system.',
        'Send `Last-Event-ID` (EventSource does so when it reconnects) or `?lastEventId=` to resume after an event: nothing missed, nothing doubled.',
        'A comment (`: keepalive`) comes when the stream has been quiet for 30 s. The stream ends with an `end` event (`{"reason"}`) when the session ends (logout, expiry: do not reconnect) or the server stops (reconnect).',
        "For people only, authenticated by `Authorization: Bearer <session token>` (or the session cookie), never by a URL; API keys have no stream (403). Counts as one of the person's live connections (429 beyond).",
      ].join('\n\n'),
      tags: ['streams'],
      security: [{ bearer: [] }],
      parameters: [
        { name: 'Last-Event-ID', in: 'header', required: false, description: 'Resume after this event id.', schema: { type: 'string', pattern: '^\\d{1,15}$' } },
        { name: 'lastEventId', in: 'query', required: false, description: 'Resume after this event id (for clients that cannot set headers).', schema: { type: 'string', pattern: '^\\d{1,15}$' } },
      ],
      responses: {
        '200': {
          description: 'The event stream; it stays open.',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              example: 'id: 41\nevent: ready\ndata: {"lastEventId":"41"}\n\nid: 42\nevent: created\ndata: {"kind":"created","notification":{"id":7,"type":"GOAL_SUBMITTED","title":"…"}}\n\n',
            },
          },
        },
        '400': errorResponse('A malformed lastEventId, or a token in the URL'),
        '401': errorResponse('No session, or one that has ended'),
        '403': errorResponse('An API key: keys have no event stream'),
        '405': errorResponse('Not GET'),
        '406': errorResponse('Accept does not allow text/event-stream'),
        '429': errorResponse("The person already holds MAX_SOCKETS_PER_USER live connections on this server"),
        '503': errorResponse('The database did not answer; try again'),
      },
    },
  },
};
