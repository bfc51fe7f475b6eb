/**
 * `npm run bench:reports`: every report through the API over a large organisation. Loads
 * `--users` people in an org tree, `--total` notifications (default 10,000,000) over `--days`
 * days and `--goals` goals (default 100,000) with their history into a database of its own,
 * builds the rollup (timing it, and one day's recomputation), starts the real server (NODE_ENV=
 * production, a process of its own), and times each report over HTTP (tRPC client), one call at
 * a time, as an administrator (the organisation) and as the supervisor of a large team (an eighth
 * of the organisation), over 30 and 90 days. Prints p50/p95/max per report.
 *   --total N   notifications (default 10000000)     --goals N    goals (default 100000)
 *   --users N   people (default 10000)                --days N     days of history (default 95)
 *   --chunk N   rows per INSERT (default 250000)       --samples N  timed calls of each (default 40, after 5)
 *   --keep      keep the database afterwards
 *   BENCH_DATABASE_URL  PostgreSQL server for the bench database (default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import superjson from 'superjson';
import { hashPassword, refreshReports, type AppRouter } from '@pms/api';
import { createDatabase } from '@pms/db';
import { REPORTS, type ReportName } from '@pms/shared';
import type { Child } from './children.js';
import { bundleServer, Fleet } from './fleet.js';
import { log } from './log.js';
import { createBenchDatabase, provisionUsers } from './provision.js';
import { loadGoals, loadNotifications, shapeOrgTree } from './reports-load.js';
import { percentile } from './report.js';

const { values } = parseArgs({
  options: {
    total: { type: 'string' },
    goals: { type: 'string' },
    users: { type: 'string' },
    days: { type: 'string' },
    chunk: { type: 'string' },
    samples: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
function count(flag: keyof typeof values, fallback: number, min = 1): number {
  const value = Number(values[flag] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} must be a whole number of at least ${min}, not ${values[flag]}`);
  return value;
}
const total = count('total', 10_000_000);
const goals = count('goals', 100_000);
const users = count('users', 10_000, 10);
const days = count('days', 95, 91);
const chunk = count('chunk', 250_000);
const samples = count('samples', 40);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'bench-reports-password';
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

const database = await createBenchDatabase(adminUrl);
log(`database ${database.name}`);
const db = createDatabase({ connectionString: database.url, max: 2 });
const fleet = new Fleet();
let server: Child | null = null;
try {
  const ids = await provisionUsers(db, users);
  await shapeOrgTree(db, ids);
  const [adminId, supervisorId] = ids;
  await db.updateTable('users').set({ password_hash: await hashPassword(PASSWORD) }).where('id', 'in', [adminId!, supervisorId!]).execute();
  await db.updateTable('users').set({ permissions: ['admin'] }).where('id', '=', adminId!).execute();

  log(`loading ${total.toLocaleString('en')} notifications over ${days} days, ${chunk.toLocaleString('en')} per INSERT`);
  let started = performance.now();
  await loadNotifications(db, ids, total, days, chunk, (loaded) => {
    if (loaded === total || loaded % (chunk * 8) === 0) log(`  ${loaded.toLocaleString('en')} rows in ${seconds(started)} s`);
  });
  const loadSeconds = seconds(started);
  started = performance.now();
  await loadGoals(db, ids, goals, days);
  log(`notifications loaded in ${loadSeconds} s, ${goals.toLocaleString('en')} goals in ${seconds(started)} s`);

  started = performance.now();
  const built = await refreshReports(db);
  const buildSeconds = seconds(started);
  log(`rollup built: ${built?.length} days in ${buildSeconds} s`);
  await sql`vacuum analyze report_notification_days, report_notification_durations`.execute(db);
  // One day's recomputation, as the job does after a change (yesterday: a full day of rows).
  await sql`insert into report_dirty_days (day) values (current_date - 1)`.execute(db);
  started = performance.now();
  await refreshReports(db);
  const daySeconds = seconds(started);
  const { rows: sizes } = await sql<{ days: number; durations: number }>`
    select (select count(*)::int from report_notification_days) as days, (select count(*)::int from report_notification_durations) as durations`.execute(db);

  await bundleServer();
  const { server: child, url: wsUrl } = await fleet.startServer('pms', 'server', {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'pms-bench-reports-')),
    JWT_SECRET: 'bench-reports-secret-long-enough-for-hs256-signing',
    WEB_DIST: join(tmpdir(), 'pms-bench-no-web'),
  });
  server = child;
  const url = `${wsUrl.replace(/^ws/, 'http').replace(/\/trpc$/, '')}/trpc`;
  const clientAs = async (email: string) => {
    const { token } = await createTRPCClient<AppRouter>({ links: [httpLink({ url, transformer: superjson })] }).auth.login.mutate({ email, password: PASSWORD });
    return createTRPCClient<AppRouter>({ links: [httpLink({ url, transformer: superjson, headers: { authorization: `Bearer ${token}` } })] });
  };
  const admin = await clientAs('bench-1@bench.pms');
  const supervisor = await clientAs('bench-2@bench.pms');
  const teamSize = (await admin.reports.teams.query()).teams.find((team) => team.id === supervisorId)!.size;

  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  const scopes = {
    'organisation, 30 days': { api: admin, input: { from: day(30), to: day(1) } },
    'organisation, 90 days': { api: admin, input: { from: day(90), to: day(1) } },
    [`team of ${teamSize}, 30 days`]: { api: supervisor, input: { from: day(30), to: day(1) } },
    [`team of ${teamSize}, 90 days`]: { api: supervisor, input: { from: day(90), to: day(1) } },
  };
  const names = [...(Object.keys(REPORTS) as ReportName[]), 'teams' as const];
  const rows: string[] = [];
  for (const [scope, { api, input }] of Object.entries(scopes)) {
    for (const name of names) {
      const call = () => (name === 'teams' ? api.reports.teams.query() : api.reports[name].query(input));
      const timing = new Float64Array(samples);
      for (let round = -5; round < samples; round++) {
        const callStarted = performance.now();
        await call();
        if (round >= 0) timing[round] = performance.now() - callStarted;
      }
      const sorted = timing.sort();
      const figures = [percentile(sorted, 50), percentile(sorted, 95), sorted.at(-1)!].map((ms) => ms.toFixed(1).padStart(8));
      rows.push(`${scope.padEnd(24)} ${name.padEnd(20)} ${figures.join(' ')}`);
    }
  }

  const command = `npm run bench:reports -- ${process.argv.slice(2).join(' ')}`.trim();
  console.log(`\n=== bench:reports ${new Date().toISOString()} ===`);
  console.log(`command   ${command}`);
  console.log(`data      ${total.toLocaleString('en')} notifications over ${days} days (loaded in ${loadSeconds} s), ${goals.toLocaleString('en')} goals, ${users.toLocaleString('en')} people`);
  console.log(`rollup    built in ${buildSeconds} s (${built?.length} days); one day recomputed in ${daySeconds} s; ${sizes[0]!.days.toLocaleString('en')} day rows, ${sizes[0]!.durations.toLocaleString('en')} duration rows`);
  console.log(`calls     ${samples} timed of each, one at a time over HTTP (tRPC client, bearer token)\n`);
  console.log(`${'scope'.padEnd(24)} ${'report'.padEnd(20)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  for (const row of rows) console.log(row);
} finally {
  if (server) await fleet.stop([server]);
  await db.destroy();
  if (values.keep) log(`kept database ${database.name} (drop it with: drop database ${database.name})`);
  else await database.drop();
}
