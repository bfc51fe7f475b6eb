/**
 * One HTTP server, one port: tRPC over HTTP at /trpc, tRPC over WebSocket on upgrade,
 * GET /healthz, and the built SPA for everything else.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import {
  appRouter,
  POLICY_VIOLATION,
  Realtime,
  RetentionJob,
  resolveSession,
  SESSION_COOKIE,
  SessionTokens,
  tokenFromHeaders,
  type ApiDeps,
  type Context,
} from '@pms/api';
import { createDatabase } from '@pms/db';
import type { Env } from './env.js';
import { refusedMalformedPath } from './http/malformed-path.js';

const MAX_WS_PAYLOAD = 64 * 1024;

export interface App {
  deps: ApiDeps;
  /** The background cleanup; `retention.sweep()` runs one now. */
  retention: RetentionJob;
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

export async function createApp(env: Env, databaseUrl: string): Promise<App> {
  const production = env.NODE_ENV === 'production';
  const db = createDatabase({ connectionString: databaseUrl });
  const realtime = new Realtime({
    db,
    connectionString: databaseUrl,
    instanceId: env.INSTANCE_ID,
    maxSocketsPerUser: env.MAX_SOCKETS_PER_USER,
    maxSubscriptionsPerSocket: env.MAX_SUBSCRIPTIONS_PER_SOCKET,
  });
  await realtime.start();
  const retention = new RetentionJob(db, { readTtlDays: env.READ_NOTIFICATION_TTL_DAYS, eventTtlDays: env.NOTIFICATION_TTL_DAYS });
  retention.start();
  const deps: ApiDeps = {
    db,
    tokens: new SessionTokens(env.JWT_SECRET, env.SESSION_TTL_HOURS * 3600),
    realtime,
    config: { production, instanceId: env.INSTANCE_ID, notificationTtlDays: env.NOTIFICATION_TTL_DAYS },
  };

  let nextConnectionId = 1;
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${production ? '; Secure' : ''}`;

  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: async ({ req, res }): Promise<Context> => ({
      deps,
      session: await resolveSession(db, deps.tokens, tokenFromHeaders(req.headers)),
      transport: {
        kind: 'http',
        setSessionCookie: (token, expiresAt) =>
          res.appendHeader('Set-Cookie', cookie(token, Math.floor((expiresAt.getTime() - Date.now()) / 1000))),
        clearSessionCookie: () => res.appendHeader('Set-Cookie', cookie('', 0)),
      },
    }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error);
    },
  });

  const web = existsSync(env.WEB_DIST) ? sirv(env.WEB_DIST, { single: true, etag: true, gzip: true }) : null;

  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0] ?? '/';
    if (!allowCors(req, res, env.CORS_ORIGINS)) return;
    if (path.startsWith('/trpc/')) return refusedMalformedPath(path, res) ? undefined : trpcHttp(req, res);
    if (path === '/healthz') return void health(res);
    if (web) return web(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('The web app is not built: run `npm run build`.');
  });

  async function health(res: ServerResponse) {
    const ok = await sql`select 1`.execute(db).then(() => true, () => false);
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', database: ok ? 'up' : 'down', instance: env.INSTANCE_ID }));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/trpc') || !originAllowed(req, env.CORS_ORIGINS)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    // Browsers send the cookie with the upgrade; other clients pass { token } as connectionParams.
    createContext: async ({ req, res: socket, info }): Promise<Context> => {
      const token = (info.connectionParams?.token as string | undefined) ?? tokenFromHeaders(req.headers);
      const session = await resolveSession(db, deps.tokens, token);
      const connectionId = nextConnectionId++;
      // The registry checks the session on every message and closes the socket when it expires.
      const connection = session && { id: connectionId, userId: session.user.id, sessionId: session.id, sessionExpiresAt: session.expiresAt };
      if (connection && !realtime.connections.add(socket, connection)) {
        socket.close(POLICY_VIOLATION, 'too many connections for this user');
      }
      return { deps, session, transport: { kind: 'ws', connectionId } };
    },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc-ws] ${path}:`, error.cause ?? error);
    },
  });

  let closing: Promise<void> | null = null;
  return {
    deps,
    retention,
    listen: () =>
      new Promise((resolveListen, rejectListen) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          rejectListen(error.code === 'EADDRINUSE' ? new Error(`port ${env.PORT} is already in use (set PORT)`) : error),
        );
        server.listen(env.PORT, env.HOST, () => {
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : env.PORT;
          resolveListen({ port, url: `http://127.0.0.1:${port}` });
        });
      }),
    // Idempotent: a test may stop an instance early and still run its usual teardown.
    close: () =>
      (closing ??= (async () => {
        await retention.stop();
        // Ask clients to reconnect (to another instance, or to us after a restart), then go.
        wsHandler.broadcastReconnectNotification();
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        await new Promise<void>((done) => wss.close(() => done()));
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await realtime.stop();
        await db.destroy();
      })()),
  };
}

function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser: it must authenticate with a token
  const host = req.headers.host;
  return origin === `http://${host}` || origin === `https://${host}` || allowed.includes(origin);
}

/** CORS for the configured origins only; answers preflights. Returns false when it ended the request. */
function allowCors(req: IncomingMessage, res: ServerResponse, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (origin && allowed.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'content-type, authorization, trpc-accept',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return false;
    }
  }
  return true;
}
