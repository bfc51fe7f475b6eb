/**
 * A server under measurement, run by the benchmark with `--expose-gc`:
 *   server-process.ts pms    the real server (createApp), configured through the environment
 *   server-process.ts bare   a bare `ws` server: the per-socket floor
 *   server-process.ts trpc   tRPC's own floor: its ws adapter (keepalive as in app.ts), no context,
 *                            one subscription `onEvent` that yields nothing and ends on abort
 * It listens on 127.0.0.1 on a free port, reports `ready`, and answers over IPC: `memory` (after
 * full collections), `sockets`, `load` (CPU, event-loop delay, GC pauses and when each benchmark
 * notification was handed to its socket, since the last ask),
 * `backends` (the PostgreSQL backends serving the real servers: their pools' and listeners'),
 * `snapshot` (a heap snapshot), `profile` (start, or stop and write, a CPU profile) and `stop`.
 * The real server also times `select 1` through its own pool and over a connection of its own, ten
 * times a second each (`load` reports them).
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { initTRPC } from '@trpc/server';
import { sql } from 'kysely';
import pg from 'pg';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import superjson from 'superjson';
import { WebSocket, WebSocketServer } from 'ws';
import { CHANNELS, LISTENER_APPLICATION_NAME } from '@pms/api';
import { createApp, SERVER_APPLICATION_NAME } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { recordHeads } from './announcements.js';
import { BENCH_KEY } from './bench-key.js';
import { serveParent } from './children.js';
import { clockNow, onClock } from './clock.js';
import { watchLoopStalls } from './loop-stalls.js';
import { threadsWaiting } from './machine.js';

// When each benchmark notification was handed to its socket: flat pairs (key, ms on the shared clock), so
// that a slow delivery's time splits into the server's part and the way to the client's loop.
let handedAt: number[] = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
  const key = typeof data === 'string' ? BENCH_KEY.exec(data) : null;
  if (key) handedAt.push(Number(key[1]), clockNow());
  return (send as (...args: unknown[]) => void).call(this, data, ...rest);
} as typeof send;

// When this server's LISTEN connection heard each stream-head announcement: flat triples (user id,
// head seq, ms on the shared clock). A commit has happened by then, so this is a stamp of its instant too,
// and the earliest when the listener read the announcement before its sender had signalled it
// (publish-phase.ts). Read off every pg client, as only the listener's get notifications.
let listenerHeardAt: number[] = [];
const emit = pg.Client.prototype.emit;
pg.Client.prototype.emit = function (this: pg.Client, event: string | symbol, ...args: unknown[]) {
  if (event === 'notification') {
    const { channel, payload } = args[0] as pg.Notification;
    if (channel === CHANNELS.events) recordHeads(listenerHeardAt, payload, clockNow());
  }
  return emit.call(this, event, ...args);
};

// When the hub's read of announced events was sent and when its rows were back, for each event it
// read: two sets of flat triples (user id, seq, ms on the shared clock), to split the server's part.
let hubReadSentAt: number[] = [];
let hubReadBackAt: number[] = [];

const collectGarbage = globalThis.gc;
if (!collectGarbage) throw new Error('run with --expose-gc');

interface Served {
  port: number;
  sockets(): number;
  close(): Promise<void>;
  /**
   * A trivial query through the server's own pool (its queries' wait for a connection, plus a
   * round trip) and over a connection of its own (the round trip alone).
   */
  probes?: { pool(): Promise<unknown>; direct(): Promise<unknown> };
  /** Process ids of the backends serving the real servers (every instance's: they share the names). */
  backends?(): Promise<number[]>;
}

async function servePms(): Promise<Served> {
  // Several servers share the machine: metrics on free ports; logs only when something goes wrong.
  const env = parseEnv({ LOG_LEVEL: 'warn', ...process.env, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0' });
  const app = await createApp(env, process.env.DATABASE_URL!);
  const { port } = await app.listen();
  const { reads } = app.deps.realtime;
  const readRanges = reads.readRanges.bind(reads);
  reads.readRanges = async (ranges, perUser) => {
    const sent = clockNow();
    const events = await readRanges(ranges, perUser);
    const back = clockNow();
    for (const { userId, seq } of events) {
      hubReadSentAt.push(userId, seq, sent);
      hubReadBackAt.push(userId, seq, back);
    }
    return events;
  };
  const direct = new pg.Client({ connectionString: process.env.DATABASE_URL });
  direct.on('error', () => {});
  await direct.connect();
  return {
    port,
    sockets: () => app.deps.realtime.connections.stats().sockets,
    close: async () => {
      await direct.end().catch(() => {});
      await app.close();
    },
    probes: { pool: () => sql`select 1`.execute(app.deps.db), direct: () => direct.query('select 1') },
    backends: async () => {
      const { rows } = await direct.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = current_database() and application_name = any($1)',
        [[SERVER_APPLICATION_NAME, LISTENER_APPLICATION_NAME]],
      );
      return rows.map((row) => row.pid);
    },
  };
}

/** A WebSocket server of its own on a free port; `attach` decides what a connection gets. */
async function serveWebSockets(attach: (wss: WebSocketServer) => void): Promise<Served> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 });
  attach(wss);
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  return {
    port,
    sockets: () => wss.clients.size,
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

const serveBare = () => serveWebSockets((wss) => wss.on('connection', (socket) => socket.on('error', () => {})));

function serveTrpcFloor() {
  const t = initTRPC.create({ transformer: superjson });
  const router = t.router({
    onEvent: t.procedure.subscription(async function* ({ signal }): AsyncGenerator<never> {
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
    }),
  });
  return serveWebSockets((wss) => applyWSSHandler({ wss, router, keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 } }));
}

/** Heap after full collections; a few turns between them let finalizers and weak refs settle. */
async function settledMemory() {
  for (let round = 0; round < 4; round++) {
    collectGarbage!();
    await nextTurn();
  }
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, rss, external, arrayBuffers };
}

const servers = { pms: servePms, bare: serveBare, trpc: serveTrpcFloor };
const kind = process.argv[2] as keyof typeof servers;
if (!(kind in servers)) throw new Error('usage: server-process.ts pms|bare|trpc');
const served = await servers[kind]();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const loopStalls = watchLoopStalls();
let loadSince = { cpu: process.cpuUsage(), at: performance.now(), waits: threadsWaiting() };
// Garbage-collection pauses since the last 'load' request: the usual suspect for latency tails.
// `at`: flat pairs (start on the shared clock, duration), to tell which deliveries a pause delayed.
const freshGcPauses = () => ({ count: 0, totalMs: 0, maxMs: 0, major: 0, majorMs: 0, at: [] as number[] });
let gcPauses = freshGcPauses();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.count++;
    gcPauses.totalMs += entry.duration;
    gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration);
    gcPauses.at.push(onClock(entry.startTime), entry.duration);
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
      gcPauses.major++;
      gcPauses.majorMs += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

const profiler = new Session();

/** Times `query` ten times a second, one at a time; `summary()` hands the timings out and resets. */
function probe(query: () => Promise<unknown>) {
  let times: number[] = [];
  let running = false;
  setInterval(() => {
    if (running) return;
    running = true;
    const began = performance.now();
    query()
      .then(() => times.push(performance.now() - began), () => {})
      .finally(() => (running = false));
  }, 100).unref();
  return {
    summary() {
      const sorted = Float64Array.from(times).sort();
      times = [];
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
      return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? Number.NaN };
    },
  };
}
const probes = served.probes && { pool: probe(served.probes.pool), direct: probe(served.probes.direct) };

serveParent(async (message) => {
  switch (message.type) {
    case 'memory':
      return { ...(await settledMemory()), sockets: served.sockets() };
    case 'sockets':
      return { sockets: served.sockets() };
    case 'backends':
      return { pids: (await served.backends?.()) ?? [] };
    case 'load': {
      // Share of a core used, and event-loop delay, since the last 'load' request.
      const cpu = process.cpuUsage(loadSince.cpu);
      const reply = {
        cpuShare: (cpu.user + cpu.system) / 1000 / (performance.now() - loadSince.at),
        waitedMs: loadSince.waits(),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        loopStalls: loopStalls.take(),
        gc: { ...gcPauses },
        dbProbes: probes && { pool: probes.pool.summary(), direct: probes.direct.summary() },
        handedAt,
        listenerHeardAt,
        hubReadSentAt,
        hubReadBackAt,
      };
      handedAt = [];
      listenerHeardAt = [];
      hubReadSentAt = [];
      hubReadBackAt = [];
      loopDelay.reset();
      gcPauses = freshGcPauses();
      loadSince = { cpu: process.cpuUsage(), at: performance.now(), waits: threadsWaiting() };
      return reply;
    }
    case 'snapshot':
      collectGarbage!();
      return { path: writeHeapSnapshot(String(message.path)) };
    case 'profile':
      // BENCH_PROFILE=heap: a sampling heap profile instead (what was allocated and is still
      // alive at the end, by where it was allocated: what survives into the old generation).
      if (process.env.BENCH_PROFILE === 'heap') {
        if (message.action === 'start') {
          profiler.connect();
          await profiler.post('HeapProfiler.enable');
          await profiler.post('HeapProfiler.startSampling', { samplingInterval: 4096, ...(process.env.BENCH_PROFILE_ALL && { includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }) });
          return {};
        }
        const { profile } = await profiler.post('HeapProfiler.stopSampling');
        const path = String(message.path).replace(/\.cpuprofile$/, '.heapprofile');
        writeFileSync(path, JSON.stringify(profile));
        profiler.disconnect();
        return { path };
      }
      if (message.action === 'start') {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        return {};
      } else {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(String(message.path), JSON.stringify(profile));
        profiler.disconnect();
        return { path: message.path };
      }
    case 'stop': {
      const began = performance.now();
      await served.close().catch((error: Error) => console.error(`[${kind}] close failed: ${error.message}`));
      const tookMs = performance.now() - began;
      if (tookMs > 2_000) console.error(`[${kind}] close took ${(tookMs / 1000).toFixed(1)} s`);
      process.exit(0);
    }
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});
process.send!({ type: 'ready', port: served.port });
