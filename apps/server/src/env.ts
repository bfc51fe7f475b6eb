/**
 * The process environment, parsed once. No other file reads process.env.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const wholeNumber = (error: string) => z.coerce.number({ error }).int({ error });
const positiveInt = (fallback: number) => wholeNumber('must be a positive whole number').positive({ error: 'must be a positive whole number' }).default(fallback);
const PORT_ERROR = 'must be a port number (0-65535)';
const TRUST_PROXY_ERROR = 'must be the number of reverse proxies in front of the server (0 when none)';
const port = (fallback: number) => wholeNumber(PORT_ERROR).min(0, { error: PORT_ERROR }).max(65_535, { error: PORT_ERROR }).default(fallback);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

const schema = z.object({
  // Production unless told otherwise: `npm start` on a bare machine must not answer with stacks.
  // `npm run dev` and the tests set their own.
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  HOST: z.string().default('0.0.0.0'),
  PORT: port(3000),
  JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url({ error: 'each origin must be a URL like https://pms.example.com' }))),
  DATA_DIR: z.string().default(join(repoRoot, '.data')),
  EMBEDDED_PG_PORT: port(54329),
  WEB_DIST: z.string().default(join(repoRoot, 'apps/web/dist')),
  INSTANCE_ID: z.string().default(`${hostname()}-${process.pid}`),
  SESSION_TTL_HOURS: positiveInt(12),
  NOTIFICATION_TTL_DAYS: positiveInt(30),
  READ_NOTIFICATION_TTL_DAYS: positiveInt(7),
  /** Goals due within this many days remind their owner (GOAL_DUE_SOON). */
  GOAL_DUE_SOON_DAYS: positiveInt(7),
  MAX_SOCKETS_PER_USER: positiveInt(20),
  MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(10),
  /** A WebSocket without a session (no connectionParams, or a token that is no good) is closed after this long. */
  WS_AUTH_TIMEOUT_MS: positiveInt(10_000),
  /** Sockets without a session per process; more are refused (503) at the upgrade. */
  WS_MAX_UNAUTHENTICATED: positiveInt(1000),
  /** Calls one WebSocket message may carry (tRPC accepts a JSON array of calls); more: close 1008. */
  WS_MAX_CALLS_PER_MESSAGE: positiveInt(20),
  /** Calls per second a socket may send on average, and at once; beyond: close 1008. */
  WS_MESSAGES_PER_SECOND: positiveInt(50),
  WS_MESSAGE_BURST: positiveInt(100),
  // Keepalive: the server PINGs a socket silent this long (clients PING after 20-25 s)…
  WS_PING_AFTER_MS: positiveInt(30_000),
  // …and terminates it when no answer follows within this.
  WS_PONG_WAIT_MS: positiveInt(10_000),
  SEED_DEMO: z.enum(['auto', 'always', 'never']).default('auto'),
  // The API's database pool: its size, and the bounds that keep one stuck call from stalling the rest.
  DB_POOL_SIZE: positiveInt(10),
  DB_POOL_ACQUIRE_TIMEOUT_MS: positiveInt(5000),
  DB_STATEMENT_TIMEOUT_MS: positiveInt(5000),
  DB_LOCK_TIMEOUT_MS: positiveInt(3000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveInt(10_000),
  // Unset: 'info', or 'warn' under NODE_ENV=test so test runs stay quiet.
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  // Prometheus metrics listen apart from the public port; `off` serves none, 0 takes a free port.
  METRICS_PORT: z.union([z.literal('off'), port(9464)], { error: `${PORT_ERROR} or off` }),
  METRICS_HOST: z.string().default('127.0.0.1'),
  READINESS_TIMEOUT_MS: positiveInt(2000),
  /** How many reverse proxies stand in front: 0 takes the socket's address, n the n-th X-Forwarded-For entry from the right. */
  TRUST_PROXY: wholeNumber(TRUST_PROXY_ERROR).min(0, { error: TRUST_PROXY_ERROR }).default(0),
  LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: positiveInt(10),
  LOGIN_LOCKOUT_MINUTES: positiveInt(15),
  LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: positiveInt(100),
  LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: positiveInt(50),
  /** Calls one API key may make per minute, across all instances; beyond: 429 with Retry-After. */
  API_KEY_REQUESTS_PER_MINUTE: positiveInt(600),
  MAX_BODY_BYTES: positiveInt(1024 * 1024),
  MAX_BATCH_CALLS: positiveInt(20),
  // Email: unset SMTP_URL keeps every mail in the database (the administrators' Sent mail screen).
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z.string().default('PMS Goals <no-reply@pms.localhost>'),
  /** Where links in emails point: the address people open the app at. Unset: http://localhost:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
});

/** Everything but the session secret: all the `db:*` commands need. */
export type Settings = z.infer<typeof schema>;
export type Env = Settings & { JWT_SECRET: string; LOG_LEVEL: LogLevel };

/** Parses and validates the environment; throws one message listing every bad variable. */
export function parseSettings(source: Record<string, string | undefined> = process.env): Settings {
  // An empty variable (`JWT_SECRET=`) means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return result.data;
}

/** The server's settings, with the secret that signs sessions. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const env = parseSettings(source);
  // Instances sharing a DATABASE_URL must share the secret; the embedded database serves one
  // instance, which can keep a generated one (so `npm ci && npm start` needs no environment).
  if (!env.JWT_SECRET && env.NODE_ENV === 'production' && env.DATABASE_URL) {
    throw new Error('invalid configuration:\n  JWT_SECRET: required in production with DATABASE_URL (all instances must share it)');
  }
  return {
    ...env,
    JWT_SECRET: env.JWT_SECRET ?? persistedSecret(env.DATA_DIR),
    LOG_LEVEL: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}

/** A random signing secret kept in the data directory, so sessions survive restarts. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
