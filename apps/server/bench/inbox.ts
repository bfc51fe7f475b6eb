/**
 * `npm run bench:inbox`: the inbox of the heaviest person among many, through the API. Loads
 * `--total` notifications (default 10,000,000) over `--users` people, `--heavy` of them (default
 * 100,000) for one person, into a database of its own; starts the real server (the bench's server
 * bundle, in a process of its own, NODE_ENV=production) on it; signs the heavy person in, and times over HTTP with
 * a tRPC client, one call at a time, round-robin: the first page of the list, a filtered page
 * (unread + type + priority), a search (q) and stats, and `auth.me` as the floor of any call.
 * Prints p50/p95/max of each.
 *   --total N     notifications in all (default 10000000)
 *   --heavy N     of which for the heaviest person (default 100000)
 *   --users N     other people sharing the rest (default 10000)
 *   --chunk N     rows per INSERT while loading (default 100000)
 *   --samples N   timed calls of each kind (default 300, after 30 to warm up)
 *   --keep        keep the database afterwards (its name is printed), e.g. for EXPLAIN ANALYZE
 *   --cpu-prof DIR  write the server's CPU profile of the timed calls to DIR/server.cpuprofile
 *   --reuse NAME  time against a database an earlier `--keep` run loaded (then kept again), instead of loading
 *   BENCH_DATABASE_URL  PostgreSQL server for the bench database (default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import { hashPassword, type AppRouter } from '@pms/api';
import { createDatabase } from '@pms/db';
import type { Child } from './children.js';
import { bundleServer, Fleet } from './fleet.js';
import { log } from './log.js';
import { loadNotifications } from './inbox-load.js';
import { createBenchDatabase, provisionUsers, reuseBenchDatabase } from './provision.js';
import { percentile } from './report.js';

const { values } = parseArgs({
  options: {
    total: { type: 'string' },
    heavy: { type: 'string' },
    users: { type: 'string' },
    chunk: { type: 'string' },
    samples: { type: 'string' },
    keep: { type: 'boolean' },
    reuse: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
function count(flag: keyof typeof values, fallback: number, min = 1): number {
  const value = Number(values[flag] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} must be a whole number of at least ${min}, not ${values[flag]}`);
  return value;
}
const total = count('total', 10_000_000);
const heavy = count('heavy', 100_000);
const users = count('users', 10_000);
const chunk = count('chunk', 100_000);
const samples = count('samples', 300);
if (heavy > total) throw new Error(`--heavy (${heavy}) cannot exceed --total (${total})`);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'bench-inbox-password';

const reused = values.reuse;
const database = reused ? reuseBenchDatabase(adminUrl, reused) : await createBenchDatabase(adminUrl);
log(`database ${database.name}`);
const db = createDatabase({ connectionString: database.url, max: 2 });
const fleet = new Fleet();
let server: Child | null = null;
try {
  let loadSeconds = 0;
  if (!reused) {
    const [heavyId, ...others] = await provisionUsers(db, users + 1);
    if (others.at(-1)! - others[0]! !== others.length - 1) throw new Error('expected consecutive user ids');
    await db.updateTable('users').set({ password_hash: await hashPassword(PASSWORD) }).where('id', '=', heavyId!).execute();

    log(`loading ${total.toLocaleString('en')} notifications, ${heavy.toLocaleString('en')} of them for one person, ${chunk.toLocaleString('en')} per INSERT`);
    const loadStarted = performance.now();
    await loadNotifications(db, { total, heavy, heavyId: heavyId!, otherFirst: others[0]!, others: others.length, chunk }, (loaded) => {
      const seconds = (performance.now() - loadStarted) / 1000;
      if (loaded === total || loaded % (chunk * 10) === 0) log(`  ${loaded.toLocaleString('en')} rows in ${seconds.toFixed(0)} s`);
    });
    loadSeconds = (performance.now() - loadStarted) / 1000;
    log(`loaded (and vacuumed) in ${loadSeconds.toFixed(1)} s: ${Math.round(total / loadSeconds).toLocaleString('en')} rows/s`);
  }

  // The server in a process of its own, as in production: the client's work does not share its event loop.
  await bundleServer();
  const started = await fleet.startServer('pms', 'server', {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'pms-bench-inbox-')),
    JWT_SECRET: 'bench-inbox-secret-long-enough-for-hs256-signing',
    WEB_DIST: join(tmpdir(), 'pms-bench-no-web'),
  });
  server = started.server;
  const url = started.url.replace(/^ws/, 'http').replace(/\/trpc$/, '');
  const { token } = await createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson })] }).auth.login.mutate({
    email: 'bench-1@bench.pms',
    password: PASSWORD,
  });
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } })],
  });
  const api = client.notifications;

  const stats = await api.stats.query();
  log(`the heavy person: ${stats.totalCount} in the inbox, ${stats.unreadCount} unread, ${stats.archivedCount} archived, ${stats.snoozedCount} snoozed`);
  const calls = {
    'first page (20)': () => api.list.query({ limit: 20 }),
    'filtered page (unread, GOAL_SUBMITTED, HIGH)': () => api.list.query({ limit: 20, read: 'unread', type: 'GOAL_SUBMITTED', priority: 'HIGH' }),
    'search (q "onboarding")': () => api.list.query({ limit: 20, q: 'onboarding' }),
    stats: () => api.stats.query(),
    // What any call costs here (HTTP, session, tRPC) without touching notifications.
    'floor: auth.me': () => client.auth.me.query(),
  };
  const timings = Object.fromEntries(Object.keys(calls).map((name) => [name, new Float64Array(samples)]));
  const profileDir = values['cpu-prof'] ?? null;
  for (let round = -30; round < samples; round++) {
    if (round === 0) await fleet.profile([server], 'start', profileDir);
    for (const [name, call] of Object.entries(calls)) {
      const started = performance.now();
      await call();
      if (round >= 0) timings[name]![round] = performance.now() - started;
    }
  }
  await fleet.profile([server], 'stop', profileDir);

  const command = `npm run bench:inbox -- ${process.argv.slice(2).join(' ')}`.trim();
  console.log(`\n=== bench:inbox ${new Date().toISOString()} ===`);
  console.log(`command   ${command}`);
  console.log(
    reused
      ? `data      the database ${reused}, as an earlier --keep run loaded it`
      : `data      ${total.toLocaleString('en')} notifications, ${users.toLocaleString('en')} + 1 people, the heavy one with ${heavy.toLocaleString('en')}; loaded in ${loadSeconds.toFixed(1)} s`,
  );
  console.log(`calls     ${samples} timed of each, one at a time over HTTP (tRPC client, bearer token), round-robin\n`);
  console.log(`${'call'.padEnd(46)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  for (const [name, timing] of Object.entries(timings)) {
    const sorted = timing.sort();
    const figures = [percentile(sorted, 50), percentile(sorted, 95), sorted.at(-1)!].map((ms) => ms.toFixed(1).padStart(8));
    console.log(`${name.padEnd(46)} ${figures.join(' ')}`);
  }
} finally {
  if (server) await fleet.stop([server]);
  await db.destroy();
  if (values.keep || reused) log(`kept database ${database.name} (drop it with: drop database ${database.name})`);
  else await database.drop();
}
