/**
 * `npm run bench:realtime`: what a socket costs the server, and how fast a committed
 * notification reaches it. See BENCHMARKS.md at the repository root for figures, and
 * `npm run bench:realtime -- --help` for flags.
 *
 * Phases: a bare `ws` server holds N sockets (the floor); the real server (1 or 2 processes on
 * one fresh database) holds N authenticated tRPC sockets, measured before and after each
 * subscribes to notifications.onEvent; then targeted notifications are published at a fixed
 * rate and every delivery is timed and accounted for. Servers and load generators are child
 * processes; every wait is bounded, and the run cleans up after itself.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionTokens } from '@pms/api';
import { createDatabase } from '@pms/db';
import { Child, type Message } from './children.js';
import type { SocketTarget } from './load-generator.js';
import { parseOptions } from './options.js';
import { createBenchDatabase, provisionDevices, type BenchDatabase, type Device } from './provision.js';
import { publishAtRate } from './publisher.js';
import { accountDeliveries, perSocket, printDelivery, printPerSocket, type MemorySample, type PerSocket } from './report.js';

const options = parseOptions(process.argv.slice(2), process.env);
const RUN_BUDGET_MS = 30 * 60_000;
const SUBSCRIPTION_PATH = 'notifications.onEvent';
const SESSION_TTL_HOURS = 12;
const TTL_DAYS = 30;

const children: Child[] = [];
let database: BenchDatabase | null = null;

async function cleanup() {
  for (const child of children) child.kill();
  await database?.drop().catch((error: Error) => console.error(`[bench] could not drop ${database?.name}: ${error.message}`));
  database = null;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}
const watchdog = setTimeout(() => {
  console.error(`[bench] still running after ${RUN_BUDGET_MS / 60_000} minutes: giving up`);
  void cleanup().finally(() => process.exit(2));
}, RUN_BUDGET_MS);

const log = (text: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);

async function startServer(kind: 'pms' | 'bare', name: string, env: Record<string, string> = {}) {
  const server = new Child(name, './server-process.ts', [kind], { nodeFlags: ['--expose-gc'], env });
  children.push(server);
  const { port } = await server.next<Message & { port: number }>('ready', 60_000);
  return { server, url: `ws://127.0.0.1:${port}/trpc` };
}

const memoryOf = (servers: Child[]) =>
  Promise.all(servers.map((server) => server.request<Message & MemorySample>({ type: 'memory' }, 120_000)));

/** Polls the servers until they hold `expected` sockets in all (or the time is up). */
async function awaitSockets(servers: Child[], expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let held = 0;
  while (Date.now() < deadline) {
    const counts = await Promise.all(servers.map((s) => s.request<Message & { sockets: number }>({ type: 'sockets' }, 10_000)));
    held = counts.reduce((total, c) => total + c.sockets, 0);
    if (held === expected) break;
    await sleep(200);
  }
  return held;
}

/** Spreads `targets` over the generators, each from its own loopback address for this phase. */
async function connectAll(generators: Child[], targets: SocketTarget[], phase: number) {
  const timeoutMs = 60_000 + targets.length * 10;
  const replies = await Promise.all(
    generators.map((generator, g) =>
      generator.request<Message & { open: number }>(
        {
          type: 'connect',
          targets: targets.slice(g * options.perGenerator, (g + 1) * options.perGenerator),
          localAddress: `127.0.${phase}.${g + 2}`,
          concurrency: 64,
        },
        timeoutMs,
      ),
    ),
  );
  return replies.reduce((total, reply) => total + reply.open, 0);
}

type Load = Message & { cpuShare: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
const loadOf = (servers: Child[]) => Promise.all(servers.map((s) => s.request<Load>({ type: 'load' }, 10_000)));

/**
 * Waits until the servers are idle (under 5% of a core for two half-second windows running):
 * a subscription reports 'started' before it has read its stream position from the database,
 * and until it has, neither its memory nor its deliveries are what they will be.
 */
async function awaitIdle(servers: Child[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietWindows = 0;
  await loadOf(servers);
  while (quietWindows < 2 && Date.now() < deadline) {
    await sleep(500);
    const busy = (await loadOf(servers)).some((load) => load.cpuShare >= 0.05);
    quietWindows = busy ? 0 : quietWindows + 1;
  }
  if (quietWindows < 2) log(`servers still busy after ${timeoutMs / 1000} s; measuring anyway`);
}

const closeAll = (generators: Child[]) => Promise.all(generators.map((g) => g.request({ type: 'close' }, 60_000)));

async function generatorStats(generators: Child[]) {
  const stats = await Promise.all(generators.map((g) => g.request<Message & Record<string, number>>({ type: 'stats' }, 10_000)));
  const total = (field: string) => stats.reduce((sum, s) => sum + Number(s[field] ?? 0), 0);
  const errors = stats.flatMap((s) => (s.firstErrors as unknown as string[]) ?? []);
  return { total, errors };
}

async function measureFloor(generators: Child[]): Promise<PerSocket> {
  const { server, url } = await startServer('bare', 'bare-ws');
  const before = await memoryOf([server]);
  const targets = Array.from({ length: options.floorSockets }, (_, index) => ({ index, url }));
  log(`bare ws: opening ${targets.length} sockets`);
  await connectAll(generators, targets, 0);
  const held = await awaitSockets([server], targets.length, 30_000);
  const after = await memoryOf([server]);
  log(`bare ws: held ${held}; closing`);
  await closeAll(generators);
  await server.stop();
  return perSocket('bare ws (the floor)', before, after);
}

/** Socket → server assignment: a user's devices go round the instances (cross-instance fan-out). */
function tpcTargets(devices: Device[], urls: string[]): SocketTarget[] {
  return devices.map((device, index) => ({
    index,
    url: urls[(Math.floor(index / options.devicesPerUser) + (index % options.devicesPerUser)) % urls.length]!,
    token: device.token,
  }));
}

async function main() {
  const started = new Date();
  log(`${options.sockets} sockets on ${options.instances} instance(s), ${options.rate} notifications/s for ${options.durationMs / 1000} s`);
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  database = await createBenchDatabase(options.adminUrl);
  const db = createDatabase({ connectionString: database.url, max: options.maxInFlight });
  const secret = randomBytes(32).toString('base64url');
  const tokens = new SessionTokens(secret, SESSION_TTL_HOURS * 3600);
  const users = options.sockets / options.devicesPerUser;
  const devices = await provisionDevices(db, tokens, users, options.devicesPerUser);
  log(`database ${database.name}: ${users} users, ${devices.length} sessions`);

  const generatorCount = Math.ceil(Math.max(options.sockets, options.floorSockets) / options.perGenerator);
  const generators = Array.from({ length: generatorCount }, (_, g) => new Child(`generator-${g}`, './load-generator.ts', []));
  children.push(...generators);
  await Promise.all(generators.map((g) => g.next('ready', 60_000)));

  const rows: PerSocket[] = [];
  if (options.floorSockets > 0) rows.push(await measureFloor(generators));

  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    JWT_SECRET: secret,
    SESSION_TTL_HOURS: String(SESSION_TTL_HOURS),
    MAX_SOCKETS_PER_USER: String(options.devicesPerUser + 1),
    DATA_DIR: join(tmpdir(), 'pms-bench-data'),
    WEB_DIST: join(tmpdir(), 'pms-bench-no-web'),
  };
  const instances = await Promise.all(
    Array.from({ length: options.instances }, (_, i) => startServer('pms', `server-${i}`, { ...serverEnv, INSTANCE_ID: `bench-${i}` })),
  );
  const servers = instances.map((s) => s.server);
  const targets = tpcTargets(devices, instances.map((s) => s.url));

  log(`${servers.length} server(s) started; warming up`);
  // Warm-up: load every code path once (router, superjson, subscription) before the baseline.
  const warmUp = targets.slice(0, Math.min(targets.length, 20 * options.instances));
  await generators[0]!.request({ type: 'connect', targets: warmUp, localAddress: '127.0.9.2', concurrency: 8 }, 60_000);
  await awaitSockets(servers, warmUp.length, 30_000);
  await generators[0]!.request({ type: 'subscribe', path: SUBSCRIPTION_PATH, window: 8, timeoutMs: 10_000 }, 20_000);
  await closeAll(generators);
  await awaitSockets(servers, 0, 30_000);

  const snapshot = (label: string) =>
    options.heapSnapshotDir &&
    (mkdirSync(options.heapSnapshotDir, { recursive: true }),
    servers[0]!.request({ type: 'snapshot', path: join(options.heapSnapshotDir, `server-${label}.heapsnapshot`) }, 600_000));
  const before = await memoryOf(servers);
  await snapshot('before');

  log(`tRPC: opening ${targets.length} authenticated sockets`);
  await connectAll(generators, targets, 1);
  const held = await awaitSockets(servers, targets.length, 60_000);
  await awaitIdle(servers, 60_000);
  log(`tRPC: servers hold ${held} authenticated sockets`);
  const connected = await memoryOf(servers);
  rows.push(perSocket('tRPC socket, authenticated, no subscription', before, connected));

  const subscribeReplies = await Promise.all(
    generators.map((g) =>
      g.request<Message & { started: number }>({ type: 'subscribe', path: SUBSCRIPTION_PATH, window: 200, timeoutMs: 120_000 }, 150_000),
    ),
  );
  const subscribed = subscribeReplies.reduce((total, r) => total + r.started, 0);
  log(`tRPC: ${subscribed} subscriptions started`);
  await awaitIdle(servers, 120_000);
  log('tRPC: servers idle');
  const afterSubscribe = await memoryOf(servers);
  rows.push(perSocket(`tRPC socket + ${SUBSCRIPTION_PATH}`, before, afterSubscribe));
  await snapshot('subscribed');

  await loadOf(servers);
  log(`publishing ${options.rate}/s for ${options.durationMs / 1000} s`);
  const recipients = devices.filter((_, i) => i % options.devicesPerUser === 0).map((d) => d.userId);
  const published = await publishAtRate(db, {
    rate: options.rate,
    durationMs: options.durationMs,
    batch: options.batch,
    maxInFlight: options.maxInFlight,
    recipients,
    ttlDays: TTL_DAYS,
  });
  const expectedDeliveries = (published.issued - published.failed) * options.devicesPerUser;
  // Drain: until everything arrived, or nothing more arrives for 3 s (at most 20 s).
  const drainDeadline = Date.now() + 20_000;
  let received = -1;
  let progressAt = Date.now();
  while (Date.now() < drainDeadline && Date.now() - progressAt < 3_000) {
    const now = (await generatorStats(generators)).total('received');
    if (now >= expectedDeliveries) break;
    if (now > received) [received, progressAt] = [now, Date.now()];
    await sleep(100);
  }
  const load = await loadOf(servers);
  const deliveryLists = await Promise.all(generators.map((g) => g.request<Message & { deliveries: number[] }>({ type: 'deliveries' }, 60_000)));
  const figures = accountDeliveries(
    published,
    deliveryLists.map((r) => r.deliveries),
    (key) => {
      const first = (key % recipients.length) * options.devicesPerUser;
      return Array.from({ length: options.devicesPerUser }, (_, d) => first + d);
    },
  );
  const afterPublish = await memoryOf(servers);
  rows.push(perSocket(`  ... the same after publishing (retained)`, before, afterPublish));
  const stats = await generatorStats(generators);

  console.log(`\n=== bench:realtime ${started.toISOString()} ===`);
  console.log(`sockets held: ${held} of ${targets.length} (${options.instances} server process(es)), subscribed: ${subscribed}`);
  console.log(`servers' heap (gc'd): ${afterSubscribe.map((m) => `${(m.heapUsed / 2 ** 20).toFixed(0)} MB`).join(', ')}; RSS: ${afterSubscribe.map((m) => `${(m.rss / 2 ** 20).toFixed(0)} MB`).join(', ')}`);
  printPerSocket(rows);
  printDelivery(published, figures, options);
  load.forEach((l, i) =>
    console.log(`  server-${i}: CPU ${(l.cpuShare * 100).toFixed(0)}% of a core while publishing and draining, event-loop delay p99 ${l.loopDelayP99Ms.toFixed(1)} ms, max ${l.loopDelayMaxMs.toFixed(1)} ms`),
  );
  console.log(`\nclients: ${stats.total('connectFailures')} failed connects, ${stats.total('unexpectedCloses')} unexpected closes, ${stats.total('stopped')} subscriptions stopped, ${stats.total('errors')} errors${stats.errors.length ? `: ${stats.errors.join(' | ')}` : ''}`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  await closeAll(generators);
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(generators.map((g) => g.stop()));
  await db.destroy();
}

try {
  await main();
} catch (error) {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
