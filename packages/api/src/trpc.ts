/**
 * The tRPC backbone, top to bottom: context, init, procedures.
 * Every router builds on the procedures exported here; authorization starts at these gates.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import type { DB } from '@pms/db';
import type { ApiScope, Permission } from '@pms/shared';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { ApiKeyCaller } from './api-keys/keys.js';
import type { ApiKeyRateLimit } from './api-keys/rate-limit.js';
import type { LoginThrottle } from './auth/throttle.js';
import type { SessionTokens } from './auth/tokens.js';
import type { Mailer } from './channels/mail/mailer.js';
import type { JobQueue } from './jobs/queue.js';
import { databaseFault } from './lib/database-faults.js';
import { wireTransformer } from './lib/wire.js';
import { RetryLater } from './lib/retry-later.js';
import type { Logger } from './ops/logger.js';
import type { ApiMetrics } from './ops/metrics.js';
import type { Realtime } from './realtime/realtime.js';

// ---- context ---------------------------------------------------------------

export interface ApiConfig {
  /** Hide internal error messages and stacks from clients. */
  production: boolean;
  /** Names this process in connection stats and logs. */
  instanceId: string;
  notificationTtlDays: number;
  /** A goal is due soon this many days before its due date (its owner is reminded then). */
  goalDueSoonDays: number;
  /** The app's address as people open it (`https://pms.example.com`): links in emails start with it. */
  publicUrl: string;
  /** Signs links that work without a session (unsubscribe); the session secret. */
  linkSecret: string;
}

/** Long-lived services, built once per process by the server. */
export interface ApiDeps {
  db: DB;
  tokens: SessionTokens;
  realtime: Realtime;
  /** Work for later, enqueued in the caller's transaction (jobs/queue.ts). */
  jobs: JobQueue;
  /** Sends email (SMTP) or only keeps it (channels/mail/). */
  mailer: Mailer;
  loginThrottle: LoginThrottle;
  /** Calls per API key per minute, shared by the instances (api-keys/rate-limit.ts). */
  apiKeyRateLimit: ApiKeyRateLimit;
  config: ApiConfig;
  /** The process's logger (its lines name the instance). */
  log: Logger;
  metrics: ApiMetrics;
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  supervisorId: number | null;
  permissions: Permission[];
}

export interface Session {
  id: string;
  expiresAt: Date;
  user: SessionUser;
}

/**
 * How the call arrived: HTTP can set cookies; a connection held in the realtime registry (a
 * WebSocket, or a Server-Sent Events stream) cannot, and its session is kept current there.
 */
export type Transport =
  | {
      kind: 'http';
      setSessionCookie(token: string, expiresAt: Date): void;
      clearSessionCookie(): void;
      /** The `Idempotency-Key` header: REST clients name a retry there (idempotency/once.ts). */
      idempotencyKey: string | null;
    }
  | { kind: 'ws' | 'sse'; connectionId: number };

export interface Context {
  deps: ApiDeps;
  session: Session | null;
  /** A service calling with an API key (HTTP only); then `session` is null. */
  apiKey: ApiKeyCaller | null;
  transport: Transport;
  /** The caller's network address (see the server's TRUST_PROXY), for throttling. */
  clientAddress: string;
}

// ---- init ------------------------------------------------------------------

/** "type must be one of …; title must not be empty": every zod issue, prefixed with its path unless the message names it. */
function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * `scope`: the API key scope that opens the procedure to services, and `people`: which people it
 * is open to besides (both set by `scopedProcedure`, read by the scope x procedure test);
 * `openapi`: its path in the REST API under /api/v1 (trpc-to-openapi).
 */
export type Meta = OpenApiMeta<{ scope?: ApiScope | readonly ApiScope[]; people?: People }>;
export type People = 'everyone' | 'admins';

type RestMethod = NonNullable<Meta['openapi']>['method'];

/** The errors every REST call may answer, as the OpenAPI document lists them. */
const REST_ERRORS = {
  400: 'Bad input: the message, and each issue, name the field',
  401: 'No credential, or an expired or revoked one',
  403: 'Not allowed to the caller (or the API key lacks the scope)',
  404: 'Not found, or not visible to the caller',
  409: 'Someone else changed it first; the message says what happened',
  500: 'Internal server error',
};

/**
 * A procedure's REST path under /api/v1 (`{id}` takes the input's `id`) and its tag; the summary
 * and description show in the OpenAPI document. Every REST call is authenticated.
 */
export function rest(method: RestMethod, path: `/${string}`, tag: string, summary: string, description?: string): Meta {
  return { openapi: { method, path, tags: [tag], summary, description, protect: true, errorResponses: REST_ERRORS } };
}

const t = initTRPC.context<Context>().meta<Meta>().create({
  // superjson's format, written faster for plain answers (lib/wire.ts); clients read it with superjson.
  transformer: wireTransformer,
  // tRPC attaches stacks; the formatter drops them in production (config, not process.env).
  isDev: true,
  errorFormatter({ shape, error, ctx }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const production = ctx?.deps.config.production ?? true;
    // The database failing (a lost connection, a timeout) is no bug: a retriable error that says so.
    const fault = error.code === 'INTERNAL_SERVER_ERROR' ? databaseFault(error.cause) : null;
    const hidden = error.code === 'INTERNAL_SERVER_ERROR' && production;
    return {
      ...shape,
      ...(fault && { code: TRPC_ERROR_CODES_BY_KEY[fault.code] }),
      message: zod ? describeZodError(zod) : fault ? fault.message : hidden ? 'Internal server error' : shape.message,
      data: {
        ...shape.data,
        ...(fault && { code: fault.code, httpStatus: getHTTPStatusCodeFromError(fault) }),
        stack: production ? undefined : shape.data.stack,
        fieldErrors: zod ? Object.fromEntries(zod.issues.map((i) => [i.path.join('.'), i.message])) : undefined,
        retryAfterSeconds: error.cause instanceof RetryLater ? error.cause.seconds : undefined,
      },
    };
  },
});

export const router = t.router;

// ---- procedures ------------------------------------------------------------

/** Open to anyone without credentials (signing in); API keys are refused, as everywhere but `scopedProcedure`s. */
export const publicProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.apiKey) throw keyRefused(ctx.apiKey);
  return next();
});

/**
 * The caller's signed-in, unexpired session. Over a WebSocket or an event stream, the
 * connection's session as it is now, not as it was when it connected (realtime/socket-sessions.ts).
 */
async function currentSession(ctx: Context): Promise<Session> {
  const { transport } = ctx;
  const { sessions } = ctx.deps.realtime;
  const session =
    transport.kind === 'http' ? ctx.session : (sessions.fresh(transport.connectionId) ?? (await sessions.current(transport.connectionId)));
  if (!session || session.expiresAt.getTime() <= Date.now()) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  }
  return session;
}

/** A signed-in person; API keys are refused (they may call only `scopedProcedure`s). */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (ctx.apiKey) throw keyRefused(ctx.apiKey);
  return next({ ctx: { ...ctx, session: await currentSession(ctx) } });
});

export function hasPermission(user: SessionUser, permission: Permission): boolean {
  return user.permissions.includes(permission);
}

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!hasPermission(ctx.session.user, 'admin')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only administrators may do this' });
  }
  return next();
});

function keyRefused(key: ApiKeyCaller, scope?: string): TRPCError {
  return new TRPCError({
    code: 'FORBIDDEN',
    message: scope
      ? `The API key "${key.name}" lacks the scope ${scope}`
      : `An API key cannot call this procedure: it acts for a signed-in person`,
  });
}

/** Who calls a scoped procedure: a service with its key, or a signed-in person. */
export type Caller = { kind: 'key'; key: ApiKeyCaller } | { kind: 'person'; session: Session };

/**
 * Open to API keys that hold `scope` (or any of a list of scopes), and to signed-in people:
 * everyone, or administrators only. The procedure reads `ctx.caller` to tell them apart.
 */
export function scopedProcedure(scope: ApiScope | readonly ApiScope[], people: People) {
  const anyOf: readonly ApiScope[] = typeof scope === 'string' ? [scope] : scope;
  return t.procedure.meta({ scope, people }).use(async ({ ctx, next }) => {
    if (ctx.apiKey) {
      if (!anyOf.some((one) => ctx.apiKey!.scopes.includes(one))) throw keyRefused(ctx.apiKey, anyOf.join(' or '));
      return next({ ctx: { ...ctx, caller: { kind: 'key', key: ctx.apiKey } as Caller } });
    }
    // The person's gate is authedProcedure's, run as a function rather than repeated.
    const session = await currentSession(ctx);
    if (people === 'admins' && !hasPermission(session.user, 'admin')) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Only administrators may do this' });
    }
    return next({ ctx: { ...ctx, session, caller: { kind: 'person', session } as Caller } });
  });
}
