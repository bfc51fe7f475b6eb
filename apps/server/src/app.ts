/**
 * One HTTP server, one port: tRPC over HTTP at /trpc, tRPC over WebSocket on upgrade, REST at /api/v1
 * (its reference at /api/v1/docs, and its event stream), the original deployment's paths elsewhere
 * under /api/ (its WebSocket at /api/notifications/ws), GET /healthz and /readyz (ops/health.ts),
 * /unsubscribe (the link in emails), and the built SPA for everything else.
 * Metrics listen on a port of their own (ops/metrics-server.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import {
  ApiMetrics,
  appRouter,
  CountFolding,
  createLogger,
  digestJob,
  DigestScheduler,
  JobQueue,
  LoginThrottle,
  Mailer,
  notificationEmailJob,
  notificationReturnJob,
  publicationJob,
  goalReminderJob,
  reportRollupJob,
  ReportRollupScheduler,
  POLICY_VIOLATION,
  Realtime,
  RetentionJob,
  resolveSession,
  SESSION_COOKIE,
  SessionTokens,
  tokenFromHeaders,
  TOPICS,
  ApiKeyRateLimit,
  isApiKey,
  resolveApiKey,
  type ApiDeps,
  type Context,
  type Logger,
} from '@pms/api';
import { createDatabase, poolOf } from '@pms/db';
import type { Env } from './env.js';
import { createProbes } from './ops/health.js';
import { createMetricsServer } from './ops/metrics-server.js';
import { logCallError, trackRequest, withRequestKey, withRequestUser } from './ops/requests.js';
import { clientAddress } from './http/client-address.js';
import { COMPAT_WS_PATH, compatSocketServer, upgradeRequired } from './http/compat-ws.js';
import { csrfRefusal, originAllowed } from './http/csrf.js';
import { limitRefusal } from './http/limits.js';
import { LIVE_EVENTS_PATH, liveEvents } from './http/live-events.js';
import { mailPreviewPath, serveMailPreview } from './http/mail-preview.js';
import { malformedPathRefusal } from './http/malformed-path.js';
import { refuse } from './http/refuse.js';
import { retryAfterHeaders } from './http/retry-after.js';
import { apiDocs } from './http/api-docs.js';
import { compatHandler } from './http/compat/index.js';
import { refuseJson } from './http/json-api.js';
import { createRestApi } from './http/rest.js';
import { openApiDocument } from './http/rest-document.js';
import { isHttps, setSecurityHeaders } from './http/security-headers.js';
import { spaHandler } from './http/spa.js';
import { subscriptionRefusal } from './http/subscriptions.js';
import { unsubscribeHandler } from './http/unsubscribe.js';

const MAX_WS_PAYLOAD = 64 * 1024;

export interface App {
  deps: ApiDeps;
  /** The background cleanup; `retention.sweep()` runs one now. */
  retention: RetentionJob;
  /** Sums the stored counts' deltas per key; `countFolding.fold()` runs one now. */
  countFolding: CountFolding;
  /** Starts the digests due (every minute); `digests.schedule(now?)` runs one pass now, or as if at `now`. */
  digests: DigestScheduler;
  /** Where Prometheus scrapes (`http://host:port/metrics`) once listening; null with METRICS_PORT=off. */
  readonly metricsUrl: string | null;
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/** The server pool's connections show as this in pg_stat_activity (its listener's as 'pms-listener'). */
export const SERVER_APPLICATION_NAME = 'pms-server';

export interface AppOptions {
  /** The process's logger (main.ts builds it first, to log start-up); default: one from env, to stdout. */
  log?: Logger;
}

export async function createApp(env: Env, databaseUrl: string, options: AppOptions = {}): Promise<App> {
  const production = env.NODE_ENV === 'production';
  const log = options.log ?? createLogger({ level: env.LOG_LEVEL, instanceId: env.INSTANCE_ID });
  const limits = {
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    acquireTimeoutMs: env.DB_POOL_ACQUIRE_TIMEOUT_MS,
  };
  const db = createDatabase({
    connectionString: databaseUrl,
    max: env.DB_POOL_SIZE,
    limits,
    applicationName: SERVER_APPLICATION_NAME,
    onConnectionError: (error) => log.warn({ error: error.message }, 'db: connection lost'),
  });
  const realtime = new Realtime({
    db,
    connectionString: databaseUrl,
    instanceId: env.INSTANCE_ID,
    topics: TOPICS,
    maxSocketsPerUser: env.MAX_SOCKETS_PER_USER,
    maxSubscriptionsPerSocket: env.MAX_SUBSCRIPTIONS_PER_SOCKET,
    log,
    authTimeoutMs: env.WS_AUTH_TIMEOUT_MS,
    maxUnauthenticatedSockets: env.WS_MAX_UNAUTHENTICATED,
    maxCallsPerMessage: env.WS_MAX_CALLS_PER_MESSAGE,
    messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
    messageBurst: env.WS_MESSAGE_BURST,
    pingAfterMs: env.WS_PING_AFTER_MS,
    pongWaitMs: env.WS_PONG_WAIT_MS,
  });
  await realtime.start();
  const retention = new RetentionJob(db, { readTtlDays: env.READ_NOTIFICATION_TTL_DAYS, eventTtlDays: env.NOTIFICATION_TTL_DAYS, log });
  retention.start();
  const countFolding = new CountFolding(db, log);
  countFolding.start();
  // pg-boss on the same database, in its own schema and pool; started once deps exist (handlers use them).
  const jobs = new JobQueue({ connectionString: databaseUrl, limits, log });
  const metrics = new ApiMetrics({ realtime, pool: poolOf(db) });
  const metricsServer = env.METRICS_PORT === 'off' ? null : createMetricsServer(metrics, log, env.METRICS_HOST, env.METRICS_PORT);
  let metricsUrl: string | null = null;
  const deps: ApiDeps = {
    db,
    tokens: new SessionTokens(env.JWT_SECRET, env.SESSION_TTL_HOURS * 3600),
    realtime,
    jobs,
    loginThrottle: new LoginThrottle(
      db,
      {
        failuresPerAccountAndAddress: env.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        lockoutMinutes: env.LOGIN_LOCKOUT_MINUTES,
        failuresPerAddressPerHour: env.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR,
        failuresPerAccountPerHour: env.LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR,
      },
      log,
      () => metrics.loginRefused('throttled'),
    ),
    apiKeyRateLimit: new ApiKeyRateLimit(db, env.API_KEY_REQUESTS_PER_MINUTE, log),
    mailer: new Mailer({ smtpUrl: env.SMTP_URL ?? null, from: env.MAIL_FROM }),
    config: {
      production,
      instanceId: env.INSTANCE_ID,
      notificationTtlDays: env.NOTIFICATION_TTL_DAYS,
      goalDueSoonDays: env.GOAL_DUE_SOON_DAYS,
      linkSecret: env.JWT_SECRET,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    },
    log,
    metrics,
  };

  // Each capability defines its job kinds; a new kind is one more entry here.
  await jobs.start([notificationReturnJob, notificationEmailJob, digestJob, goalReminderJob, publicationJob, reportRollupJob], deps);
  const digests = new DigestScheduler(deps, log);
  digests.start();
  // The reports' rollup, refreshed every minute and once now (reports/rollup.ts).
  const reportRollup = new ReportRollupScheduler(deps, log);
  reportRollup.start();

  // Secure when the client came over https, whatever NODE_ENV: a Secure cookie on http://localhost would never come back.
  const cookie = (req: IncomingMessage, value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${isHttps(req, env.TRUST_PROXY) ? '; Secure' : ''}`;

  // One context for every HTTP call, tRPC's and REST's: a key (`Bearer pms_…`) or a session.
  // A key over its rate limit fails every call of the request (429, Retry-After); the log line
  // still names it. The database failing here fails the calls as a database fault (503).
  const httpContext = async ({ req, res, info }: { req: IncomingMessage; res: ServerResponse; info?: { calls: unknown[] } }): Promise<Context> => {
    const token = tokenFromHeaders(req.headers);
    const apiKey = isApiKey(token) ? withRequestKey(req, await resolveApiKey(db, token)) : null;
    // A tRPC batch counts each of its calls; a REST request is one call (it brings no info).
    if (apiKey) await deps.apiKeyRateLimit.admit(apiKey, Math.max(1, info?.calls.length ?? 1));
    return {
      deps,
      clientAddress: clientAddress(req, env.TRUST_PROXY),
      apiKey,
      session:
        apiKey || isApiKey(token)
          ? null
          : withRequestUser(req, await realtime.httpSessions.resolve(token, () => resolveSession(db, deps.tokens, token))),
      transport: {
        kind: 'http',
        setSessionCookie: (token, expiresAt) =>
          res.appendHeader('Set-Cookie', cookie(req, token, Math.floor((expiresAt.getTime() - Date.now()) / 1000))),
        clearSessionCookie: () => res.appendHeader('Set-Cookie', cookie(req, '', 0)),
        idempotencyKey: req.headers['idempotency-key']?.toString() ?? null,
      },
    };
  };

  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: env.MAX_BODY_BYTES,
    createContext: httpContext,
    onError: (opts) => logCallError(log, opts),
    responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
  });

  const restApi = createRestApi({
    createContext: httpContext,
    maxBodySize: env.MAX_BODY_BYTES,
    log,
    document: openApiDocument(deps.config.publicUrl),
    docs: apiDocs(),
  });
  const originalApi = compatHandler({ createContext: httpContext, maxBodySize: env.MAX_BODY_BYTES, log });
  const eventStreams = liveEvents({ createContext: httpContext, realtime, log });

  const httpLimits = { maxBodyBytes: env.MAX_BODY_BYTES, maxBatchCalls: env.MAX_BATCH_CALLS };
  const web = spaHandler(env.WEB_DIST);
  const unsubscribePage = unsubscribeHandler(deps);

  const probes = createProbes(db, realtime, env.READINESS_TIMEOUT_MS);

  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0] ?? '/';
    setSecurityHeaders(req, res, env.TRUST_PROXY);
    // Probes come every few seconds from every balancer: answered, not logged.
    if (path === '/healthz') return probes.alive(res);
    if (path === '/readyz') return void probes.ready(res);
    trackRequest(log, req, res);
    if (!allowCors(req, res, env.CORS_ORIGINS)) return;
    if (path.startsWith('/trpc/')) {
      // Refused before tRPC reads the body or runs a call.
      const refusal =
        malformedPathRefusal(path) ??
        subscriptionRefusal(path.slice('/trpc/'.length)) ??
        csrfRefusal(req, env.CORS_ORIGINS) ??
        limitRefusal(req, httpLimits);
      return refusal ? refuse(res, refusal) : trpcHttp(req, res);
    }
    // /api/v1/: the REST API; the rest of /api/: the original deployment's paths (WebSocket upgrades,
    // /api/notifications/ws among them, come through server.on('upgrade') instead).
    if (path.startsWith('/api/')) {
      const refusal = malformedPathRefusal(path) ?? csrfRefusal(req, env.CORS_ORIGINS) ?? limitRefusal(req, httpLimits);
      const rest = path.startsWith('/api/v1/');
      if (refusal) return refuseJson(res, refusal, rest ? 'rest' : 'compat');
      if (path === LIVE_EVENTS_PATH) return eventStreams.handle(req, res);
      if (path === COMPAT_WS_PATH) return upgradeRequired(res);
      return void (rest ? restApi(req, res) : originalApi(req, res));
    }
    // The link in every email: no session, no JSON, so outside /trpc and its CSRF rule.
    if (path === '/unsubscribe') return unsubscribePage(req, res);
    const mailId = mailPreviewPath(path);
    if (mailId !== null) {
      return void serveMailPreview(req, res, deps, mailId).catch((error: unknown) => {
        log.error({ err: error }, 'mail preview failed');
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' }).end('The database did not answer; try again.');
      });
    }
    if (web) return web(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('The web app is not built: run `npm run build`.');
  });

  // The registry's socket class checks every message before tRPC reads it (size of batch, rate, session).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD, WebSocket: realtime.connections.Socket });
  // The original deployment's protocol, over the same registry (http/compat-ws.ts).
  const compatWss = compatSocketServer({ deps, maxPayload: MAX_WS_PAYLOAD, clientAddress: (req) => clientAddress(req, env.TRUST_PROXY), log });
  server.on('upgrade', (req, socket, head) => {
    const path = req.url?.split('?')[0];
    const target = path?.startsWith('/trpc') ? wss : path === COMPAT_WS_PATH ? compatWss : null;
    if (!target || !originAllowed(req, env.CORS_ORIGINS)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    // Every socket starts without a session: at most WS_MAX_UNAUTHENTICATED at once.
    if (!realtime.connections.acceptsUnauthenticated()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n\r\n');
      return;
    }
    target.handleUpgrade(req, socket, head, (ws) => {
      realtime.connections.admit(ws);
      target.emit('connection', ws, req);
    });
  });

  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    // The registry keeps sockets alive instead (realtime/keepalive.ts): tRPC's keepalive re-arms
    // two timers per socket on every message, and answers each PING with a write of its own.
    keepAlive: { enabled: false },
    dangerouslyDisablePong: true,
    // Browsers send the cookie with the upgrade; other clients pass { token } as connectionParams.
    createContext: async ({ req, res: socket, info }): Promise<Context> => {
      const token = (info.connectionParams?.token as string | undefined) ?? tokenFromHeaders(req.headers);
      const session = await resolveSession(db, deps.tokens, token);
      const connectionId = realtime.connections.newId();
      // The registry keeps the session current (realtime/socket-sessions.ts) and closes the socket when it ends.
      if (session && !realtime.connections.add(socket, { id: connectionId, session })) {
        socket.close(POLICY_VIOLATION, 'too many connections for this user');
      }
      return { deps, session, apiKey: null, transport: { kind: 'ws', connectionId }, clientAddress: clientAddress(req, env.TRUST_PROXY) };
    },
    onError: (opts) => logCallError(log, opts),
  });

  let closing: Promise<void> | null = null;
  return {
    deps,
    retention,
    countFolding,
    digests,
    get metricsUrl() {
      return metricsUrl;
    },
    listen: async () => {
      const host = env.METRICS_HOST.includes(':') ? `[${env.METRICS_HOST}]` : env.METRICS_HOST;
      if (metricsServer) metricsUrl = `http://${host}:${await metricsServer.listen()}/metrics`;
      return new Promise((resolveListen, rejectListen) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          rejectListen(error.code === 'EADDRINUSE' ? new Error(`port ${env.PORT} is already in use (set PORT)`) : error),
        );
        server.listen(env.PORT, env.HOST, () => {
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : env.PORT;
          resolveListen({ port, url: `http://127.0.0.1:${port}` });
        });
      });
    },
    // Idempotent: a test may stop an instance early and still run its usual teardown.
    close: () =>
      (closing ??= (async () => {
        await retention.stop();
        await countFolding.stop();
        await digests.stop();
        reportRollup.stop();
        await jobs.stop();
        deps.mailer.close();
        // Ask clients to reconnect (to another instance, or to us after a restart), then go.
        wsHandler.broadcastReconnectNotification();
        for (const client of [...wss.clients, ...compatWss.clients]) client.close(1001, 'server shutting down');
        await eventStreams.close('server shutting down');
        await new Promise<void>((done) => wss.close(() => done()));
        await new Promise<void>((done) => compatWss.close(() => done()));
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await metricsServer?.close();
        await realtime.stop();
        await db.destroy();
      })()),
  };
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
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'content-type, authorization, trpc-accept, idempotency-key',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return false;
    }
  }
  return true;
}
