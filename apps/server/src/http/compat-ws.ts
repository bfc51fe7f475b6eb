/**
 * The original deployment's WebSocket protocol, for the scripts and CLIs written against it:
 *
 *   ws://host/api/notifications/ws?token=<stream ticket>[&lastEventId=<event id>]
 *
 * A thin layer over the tRPC procedures and the socket registry: the ticket (auth/stream-tickets.ts)
 * opens the socket under the session that asked for it, so it is held like any tRPC socket (per-user
 * limit, message rate, session re-checks: revoking the session closes it, presence and connection
 * stats); events come from `notifications.onEvent` (resume after lastEventId exactly once), and
 * `mark_read:<id>` is `notifications.markRead` (the user's other devices hear of it).
 *
 * Refusals (no ticket, a session token, a used, expired or forged ticket, a bad lastEventId, too
 * many connections) close the socket with 1008 and a reason that says what to do; a database that
 * does not answer while the ticket is redeemed, or the stream opens, closes it with 1013 (try again
 * later): the client asks for a new ticket and reconnects with the lastEventId it has. The server
 * keeps the socket alive with WebSocket ping frames, which every client answers by itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  appRouter,
  databaseFault,
  isStreamTicket,
  POLICY_VIOLATION,
  redeemStreamTicket,
  type ApiDeps,
  type Context,
  type Logger,
} from '@pms/api';
import { toCompatEvent } from './compat/events.js';
import { openNotificationStream } from './notification-stream.js';

export const COMPAT_WS_PATH = '/api/notifications/ws';

/** WebSocket close code 1013, "Try Again Later": the database did not answer. */
const TRY_AGAIN_LATER = 1013;
const GET_A_TICKET = 'get a stream ticket with POST /api/v1/stream-tickets';
const HELP = 'send ping, {"type":"ping"}, mark_read:<notification id> or {"type":"mark_read","notification_id":<id>}';

interface CompatSocketOptions {
  deps: ApiDeps;
  maxPayload: number;
  clientAddress(req: IncomingMessage): string;
  log: Logger;
}

/** The WebSocketServer of the original protocol: hand it upgrades of COMPAT_WS_PATH, after the registry's `admit`. */
export function compatSocketServer({ deps, maxPayload, clientAddress, log }: CompatSocketOptions): WebSocketServer {
  const { connections } = deps.realtime;
  /** The original protocol knows no PING text: its sockets are kept alive with ping frames (realtime/keepalive.ts). */
  class OriginalProtocolSocket extends connections.Socket {
    keepalive(): boolean {
      this.ping();
      return true;
    }
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload, WebSocket: OriginalProtocolSocket });
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const connection: OpenConnection = { socket, ctx: null, log };
    // At once, so that nothing the client sends early goes unanswered.
    socket.on('message', (data, isBinary) => void answer(connection, data, isBinary));
    serve(connection, req, deps, clientAddress(req)).catch((error: unknown) => {
      log.error({ err: error }, 'original WebSocket protocol: the stream failed');
      socket.close(1011, 'internal error');
    });
  });
  return wss;
}

interface OpenConnection {
  socket: WebSocket;
  /** Set once the ticket is redeemed and the socket registered. */
  ctx: Context | null;
  log: Logger;
}

async function serve(connection: OpenConnection, req: IncomingMessage, deps: ApiDeps, address: string): Promise<void> {
  const { socket } = connection;
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const token = query.get('token');
  if (!token) return refuse(socket, `token is missing: ${GET_A_TICKET}`);
  if (!isStreamTicket(token)) return refuse(socket, 'token must be a stream ticket from POST /api/v1/stream-tickets, never the session token');

  const redeemed = await untilFault(socket, () => redeemStreamTicket(deps.db, token));
  if (!redeemed) return;
  if ('refusal' in redeemed) return refuse(socket, redeemed.refusal);
  const { session } = redeemed;
  if (socket.readyState !== socket.OPEN) return; // the client left meanwhile
  const connectionId = deps.realtime.connections.newId();
  if (!deps.realtime.connections.add(socket, { id: connectionId, session })) return refuse(socket, 'too many connections for this user');
  connection.ctx = { deps, session, apiKey: null, transport: { kind: 'ws', connectionId }, clientAddress: address };

  const ended = new AbortController();
  socket.once('close', () => ended.abort());
  const opened = await untilFault(socket, () => openNotificationStream(connection.ctx!, query.get('lastEventId'), ended.signal));
  if (!opened) return;
  send(socket, {
    type: 'connection_established',
    user_id: session.user.id,
    connection_id: connectionId,
    last_event_id: opened.from,
    message: 'Connected to the notification service',
    timestamp: new Date(),
  });
  try {
    for await (const [id, event] of opened.events) send(socket, { ...toCompatEvent(event, session.user.id), event_id: id });
  } catch (error) {
    // The client left, or the session ended (the registry is closing the socket with the reason): nothing to add.
    if (!ended.signal.aborted && !(error instanceof TRPCError && error.code === 'UNAUTHORIZED')) throw error;
  }
}

/**
 * `step`'s result; undefined when it failed in a way the client must hear of: the database did
 * not answer (1013: reconnect with a new ticket), or the request was refused (1008, its message).
 */
async function untilFault<T>(socket: WebSocket, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (databaseFault(error)) socket.close(TRY_AGAIN_LATER, 'the database did not answer: get a new ticket and reconnect with your lastEventId');
    else if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR') refuse(socket, error.message);
    else throw error;
    return undefined;
  }
}

/** One message of the client's: answered, never a reason to close. */
async function answer(connection: OpenConnection, data: RawData, isBinary: boolean): Promise<void> {
  const { socket, ctx } = connection;
  const text = isBinary ? null : data.toString();
  const command = text === null ? null : parseCommand(text);
  if (command === 'ping') return text === 'ping' ? socket.send('pong') : send(socket, { type: 'pong' });
  if (!command) return send(socket, { type: 'error', message: `Unknown message${text === null ? ' (binary)' : ` "${text.slice(0, 100)}"`}: ${HELP}` });
  if (!ctx) return send(socket, { type: 'error', message: 'Not connected yet: wait for connection_established' });
  if ('error' in command) return send(socket, { type: 'error', message: command.error });
  try {
    const notification = await appRouter.createCaller(ctx).notifications.markRead({ id: command.markRead });
    send(socket, { type: 'notification_marked_read', notification_id: notification.id, is_read: true });
  } catch (error) {
    const failure = databaseFault(error) ?? (error instanceof TRPCError ? error : null);
    if (!failure || failure.code === 'INTERNAL_SERVER_ERROR') connection.log.error({ err: error }, 'original WebSocket protocol: mark_read failed');
    const message = failure && failure.code !== 'INTERNAL_SERVER_ERROR' ? failure.message : 'Internal server error';
    send(socket, { type: 'error', message, code: failure?.code ?? 'INTERNAL_SERVER_ERROR', notification_id: command.markRead });
  }
}

type Command = 'ping' | { markRead: number } | { error: string };

/** What a message asks for; null when it is none of the protocol's messages. */
function parseCommand(text: string): Command | null {
  if (text === 'ping') return 'ping';
  const markRead = /^mark_read:(.*)$/s.exec(text);
  if (markRead) return notificationId(markRead[1]!);
  if (!text.startsWith('{')) return null;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { type, notification_id: id } = message as { type?: unknown; notification_id?: unknown };
  if (type === 'ping') return 'ping';
  if (type === 'mark_read') return notificationId(typeof id === 'number' || typeof id === 'string' ? String(id) : '');
  return null;
}

function notificationId(text: string): Command {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(id) && id > 0 && id <= 2 ** 31 - 1 ? { markRead: id } : { error: `mark_read needs a notification id (a positive integer), not "${text.slice(0, 40)}"` };
}

function send(socket: WebSocket, message: object): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** `reason` must fit a close frame: at most 123 bytes. */
function refuse(socket: WebSocket, reason: string): void {
  socket.close(POLICY_VIOLATION, reason);
}

/** A plain HTTP request for the socket's path: it speaks WebSocket only. */
export function upgradeRequired(res: ServerResponse): void {
  res
    .writeHead(426, { 'content-type': 'application/json; charset=utf-8', upgrade: 'websocket', connection: 'Upgrade' })
    .end(JSON.stringify({ detail: 'This path speaks WebSocket only: open it with ?token=<a ticket from POST /api/v1/stream-tickets>' }));
}

/**
 * The socket in the OpenAPI document, which cannot model a WebSocket: the upgrade request, with
 * the protocol in its description. Outside /api/v1, hence its own `servers`.
 */
export function compatSocketOpenApi(publicUrl: string) {
  return {
    [COMPAT_WS_PATH]: {
      servers: [{ url: publicUrl }],
      get: {
        operationId: 'compat-notifications-ws',
        deprecated: true,
        summary: 'The original deployment’s WebSocket protocol (compatibility)',
        description: [
          'Open `ws://host/api/notifications/ws?token=<ticket>` (wss:// over https). The ticket comes from `POST /api/v1/stream-tickets` (a signed-in person; single use, 30 s); the session token itself is refused here, as is a used, expired or forged ticket: the socket is closed with 1008 and a reason. 1013 means the database did not answer: get a new ticket and reconnect.',
          'Server messages (JSON): `{"type":"connection_established","user_id","connection_id","last_event_id","message","timestamp"}` first; then, each with its `event_id`: `new_notification` and `notification_updated` (`"notification": {"id","user_id","title","message","notification_type","priority","is_read","read_at","created_at","expires_at","data","link","group_key"}`), `notifications_read`, `notifications_unread`, `notifications_deleted` (`"notification_ids"`), `all_notifications_read`, `notifications_seen`, `notifications_archived`, `notifications_snoozed` (with the time, null when undone) and `notifications_resolved`.',
          'Client messages: `ping` (answered `pong`), `{"type":"ping"}` (answered `{"type":"pong"}`), `mark_read:<id>` or `{"type":"mark_read","notification_id":<id>}` (answered `{"type":"notification_marked_read","notification_id","is_read":true}`; the user’s other devices get `notifications_read`). Anything else is answered `{"type":"error","message"}`; the socket stays open.',
          'Add `&lastEventId=<event_id>` when reconnecting: every event after it comes once, in order. The server pings with WebSocket ping frames; the socket counts as one of the person’s live connections, and closes (1008) when their session ends.',
        ].join('\n\n'),
        tags: ['compatibility'],
        parameters: [
          { name: 'token', in: 'query', required: true, description: 'A stream ticket (`pst_…`), never the session token.', schema: { type: 'string' } },
          { name: 'lastEventId', in: 'query', required: false, description: 'Resume after this event id.', schema: { type: 'string', pattern: '^\\d{1,15}$' } },
        ],
        responses: {
          '101': { description: 'Switching to the WebSocket protocol; refusals then close the socket with 1008 and a reason.' },
          '403': { description: 'The upgrade came from an origin that is not allowed.' },
          '426': { description: 'A plain HTTP request: this path speaks WebSocket only.' },
          '503': { description: 'Too many sockets are waiting to sign in; try again in a few seconds.' },
        },
      },
    },
  };
}
