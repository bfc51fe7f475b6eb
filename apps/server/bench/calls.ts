/**
 * `npm run bench:calls`: what one call pays for authentication, session re-checks, CSRF and rate
 * limits, over HTTP and over WebSocket, before and after a change, in the same run.
 *
 * Two servers on one fresh database: the working tree, and `--before REF` (default: the commit
 * before the production hardening) built from a temporary git worktree; both bundled the same way
 * (bench/call-server.ts) and run with NODE_ENV=production. Calls go one at a time at a fixed pace,
 * alternating between the servers and the kinds of call, so that both see the same machine.
 *   --before REF   the earlier commit (default: BASELINE below)
 *   --calls N      timed calls per kind and server (default 1000)
 *   --rate R       calls per second in all (default 200)
 *   BENCH_DATABASE_URL  PostgreSQL server for the bench database (default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTRPCClient, createWSClient, httpLink, wsLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { hashPassword, type AppRouter } from '@pms/api';
import { createDatabase, DEMO_PASSWORD, seedDemo } from '@pms/db';
import { wsKeepAlive } from '@pms/shared';
import { bundleForNode } from '../scripts/bundle.js';
import { Child, type Message } from './children.js';
import { log } from './log.js';
import { createBenchDatabase } from './provision.js';
import { percentile } from './report.js';

/** The last commit before issue 8 (production hardening) changed the server. */
const BASELINE = 'abd12d93382f15c9268187df65862b217b8eac36';
/** Sockets per server that WebSocket calls take turns on, so no socket nears a per-socket message rate. */
const SOCKETS_PER_SERVER = 4;

const { values } = parseArgs({ options: { before: { type: 'string' }, calls: { type: 'string' }, rate: { type: 'string' } } });
const before = values.before ?? BASELINE;
const callsPerKind = Number(values.calls ?? 1000);
const rate = Number(values.rate ?? 200);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const serverRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(serverRoot, '../..');

type Client = TRPCClient<AppRouter>;

interface ServerUnderTest {
  label: string;
  child: Child;
  url: string;
  kinds: Record<string, () => Promise<unknown>>;
  close(): void;
}

/** Bundles call-server.ts from `workspaceRoot` (a checkout of this repository) into apps/server/dist. */
async function bundleFrom(workspaceRoot: string, name: string): Promise<string> {
  const entry = join(workspaceRoot, 'apps/server/bench/call-server.ts');
  if (workspaceRoot !== repoRoot) copyFileSync(join(serverRoot, 'bench/call-server.ts'), entry);
  const outfile = `dist/bench-calls-${name}.js`;
  await bundleForNode(entry, outfile, { workspaceRoot });
  return `../${outfile}`;
}

async function startServer(label: string, bundle: string, env: Record<string, string>): Promise<ServerUnderTest> {
  const child = new Child(label, bundle, [], { env });
  const { port } = await child.next<Message & { port: number }>('ready', 60_000);
  const url = `http://127.0.0.1:${port}`;
  const { token } = await createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson })] }).auth.login.mutate({
    email: 'alice@demo.pms',
    password: DEMO_PASSWORD,
  });
  const bearer: Client = createTRPCClient({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } })],
  });
  // What a browser sends: the cookie, and its own Origin on a mutation.
  const browser: Client = createTRPCClient({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { cookie: `pms_session=${token}`, origin: url } })],
  });
  const sockets = Array.from({ length: SOCKETS_PER_SERVER }, () =>
    createWSClient({
      url: `${url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
      keepAlive: wsKeepAlive(),
    }),
  );
  const overWs: Client[] = sockets.map((client) => createTRPCClient({ links: [wsLink({ client, transformer: superjson })] }));
  let turn = 0;
  const ws = () => overWs[turn++ % overWs.length]!;
  return {
    label,
    child,
    url,
    kinds: {
      'GET /healthz': () => fetch(`${url}/healthz`).then((response) => response.text()),
      'auth.me HTTP (bearer)': () => bearer.auth.me.query(),
      'auth.me HTTP (cookie)': () => browser.auth.me.query(),
      'auth.me WebSocket': () => ws().auth.me.query(),
      'markAllRead HTTP (cookie)': () => browser.notifications.markAllRead.mutate(),
      'markAllRead WebSocket': () => ws().notifications.markAllRead.mutate(),
    },
    close: () => sockets.forEach((socket) => void socket.close()),
  };
}

async function main() {
  log(`bench:calls: before ${before.slice(0, 12)}, after the working tree; ${callsPerKind} calls per kind and server at ${rate}/s`);
  const baselineTree = mkdtempSync(join(tmpdir(), 'pms-bench-before-'));
  execFileSync('git', ['-C', repoRoot, 'worktree', 'add', '--detach', '--force', baselineTree, before], { stdio: 'ignore' });
  const database = await createBenchDatabase(adminUrl);
  const servers: ServerUnderTest[] = [];
  try {
    const db = createDatabase({ connectionString: database.url, max: 1 });
    await seedDemo(db, hashPassword);
    await db.destroy();
    const [beforeBundle, afterBundle] = await Promise.all([bundleFrom(baselineTree, 'before'), bundleFrom(repoRoot, 'after')]);
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      METRICS_PORT: '0',
    };
    servers.push(await startServer('before', beforeBundle, env), await startServer('after', afterBundle, env));

    const kinds = Object.keys(servers[0]!.kinds);
    const timings = new Map(servers.flatMap((s) => kinds.map((k) => [`${s.label} ${k}`, [] as number[]] as const)));
    const intervalMs = 1000 / rate;
    const warmUp = 50;
    for (let round = -warmUp; round < callsPerKind; round++) {
      for (const kind of kinds) {
        for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
          const began = performance.now();
          await server.kinds[kind]!();
          const tookMs = performance.now() - began;
          if (round >= 0) timings.get(`${server.label} ${kind}`)!.push(tookMs);
          await sleep(Math.max(0, intervalMs - tookMs));
        }
      }
    }

    console.log(`\n=== bench:calls ${new Date().toISOString()} (before ${before.slice(0, 12)}) ===`);
    console.log(`${'call'.padEnd(28)}${'before p50'.padStart(12)}${'p99'.padStart(9)}${'after p50'.padStart(12)}${'p99'.padStart(9)}${'added p50'.padStart(12)}`);
    for (const kind of kinds) {
      const [b, a] = servers.map((s) => Float64Array.from(timings.get(`${s.label} ${kind}`)!).sort());
      const cells = [percentile(b!, 50), percentile(b!, 99), percentile(a!, 50), percentile(a!, 99)].map((ms) => `${ms.toFixed(2)} ms`);
      const added = percentile(a!, 50) - percentile(b!, 50);
      console.log(
        `${kind.padEnd(28)}${cells[0]!.padStart(12)}${cells[1]!.padStart(9)}${cells[2]!.padStart(12)}${cells[3]!.padStart(9)}${`${added >= 0 ? '+' : ''}${added.toFixed(2)} ms`.padStart(12)}`,
      );
    }
  } finally {
    for (const server of servers) server.close();
    await Promise.all(servers.map((server) => server.child.stop(10_000)));
    await database.drop().catch((error: Error) => console.error(`[bench] could not drop ${database.name}: ${error.message}`));
    execFileSync('git', ['-C', repoRoot, 'worktree', 'remove', '--force', baselineTree], { stdio: 'ignore' });
    rmSync(baselineTree, { recursive: true, force: true });
  }
}

await main();
