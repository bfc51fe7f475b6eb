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
const port = (fallback: number) => wholeNumber(PORT_ERROR).min(0, { error: PORT_ERROR }).max(65_535, { error: PORT_ERROR }).default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
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
  SEED_DEMO: z.enum(['auto', 'always', 'never']).default('auto'),
});

export type Env = z.infer<typeof schema> & { JWT_SECRET: string };

/** Parses and validates the environment; throws one message listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // An empty variable (`JWT_SECRET=`) means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  const env = result.data;
  if (!env.JWT_SECRET && env.NODE_ENV === 'production') {
    throw new Error('invalid configuration:\n  JWT_SECRET: required in production (all instances must share it)');
  }
  return { ...env, JWT_SECRET: env.JWT_SECRET ?? persistedSecret(env.DATA_DIR) };
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
