/**
 * The benchmark's child processes and what it asks of them: servers (memory, load, sockets
 * held) and load generators (connect, subscribe, counts, deliveries). Every wait is bounded.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { bundleForNode } from '../scripts/bundle.js';
import { Child, type Message } from './children.js';
import { log } from './log.js';
import type { LoopStalls } from './loop-stalls.js';
import { prioritise, prioritiseBackends, prioritiseGenerators, realtimeSettings, type LevelPolicy, type Priority, type SchedulingSettings } from './priority.js';
import type { SocketTarget } from './load-generator.js';
import type { ThreadWaits } from './machine.js';
import type { MemorySample } from './report.js';

export type ServerKind = 'pms' | 'bare' | 'trpc';
export type ServerLoad = Message & {
  cpuShare: number;
  /** How long its threads were ready to run but waited for a core (null off Linux). */
  waitedMs: ThreadWaits | null;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  loopStalls: LoopStalls;
  /** `at`: flat pairs (start, duration) of each pause, on the shared clock (clock.ts), in ms. */
  gc: { count: number; totalMs: number; maxMs: number; major: number; majorMs: number; at: number[] };
  dbProbes?: Record<'pool' | 'direct', { p50Ms: number; p99Ms: number; maxMs: number }>;
  /** Flat pairs (notification key, ms on the shared clock): when the server handed it to a socket. */
  handedAt: number[];
  /** Flat triples (user id, head seq, ms on the shared clock): when the server's listener heard the announcement. */
  listenerHeardAt: number[];
  /** Flat triples (user id, seq, ms on the shared clock): when the hub's read of that event was sent, and when its rows were back. */
  hubReadSentAt: number[];
  hubReadBackAt: number[];
};

export interface ClientLoops {
  p99Ms: number;
  maxMs: number;
  /** Per generator (in `deliveries()`' order): flat pairs (start, duration) of its GC pauses. */
  gcAt: number[][];
  /** Per generator: its loop's stalls. */
  stalls: LoopStalls[];
  /** The longest any generator's loop waited for a core, in ms (null off Linux). */
  waitedMs: number | null;
}

/** Servers run bundled as in production (scripts/bundle.ts), at dist/main.js's depth for env.ts's paths. */
const SERVER_BUNDLE = '../dist/bench-server.js';
export const bundleServer = () => bundleForNode('bench/server-process.ts', 'dist/bench-server.js');

export interface FleetOptions {
  /** Client keepalive: PING after this long without hearing from the server; null: as the app's clients do. */
  pingIntervalMs?: number | null;
  /** Whether sockets subscribed together keep their keepalive clocks in step (--keepalive-in-step). */
  keepaliveInStep?: boolean;
  /** How the servers share the cores (--server-priority; default 0, equal shares). */
  serverPriority?: Priority;
  /** How the load generators share the cores (--generator-priority; default 0, equal shares). */
  generatorPriority?: Priority;
  /** How the servers' database backends share the cores while publishing (--backend-priority; default 0, equal shares). */
  backendPriority?: Priority;
  /** With a priority 'realtime': the kernel's cap lifted, the level below the servers on SCHED_RR, the servers' loops above their helpers, their backends with the helpers, the publisher's backends with the generators (default: none of them; --keep-rt-limit, --rr-slice-ms, --loop-with-helpers, --backends-with-clients, --publisher-backends-first). */
  scheduling?: SchedulingSettings;
  /** Where `snapshot` writes heap snapshots; null: it does nothing. */
  snapshotDir?: string | null;
}

export class Fleet {
  readonly #children: Child[] = [];
  generators: Child[] = [];
  readonly #pingIntervalMs: number | null;
  readonly #keepaliveInStep: boolean;
  readonly #serverPriority: Priority;
  readonly #generatorPriority: Priority;
  #generatorScheduling: { first(): Promise<void>; shared(): Promise<void> } | null = null;
  readonly #backendPriority: Priority;
  #backendScheduling: Array<{ first(): Promise<void>; shared(): Promise<void> }> = [];
  readonly #realtimeSettings: ReturnType<typeof realtimeSettings>;
  readonly #belowServers: LevelPolicy;
  readonly #loopFirst: boolean;
  readonly #backendsWithHelpers: boolean;
  readonly #publisherBackendsFirst: boolean;
  /** The publisher's database backends, as its pool connects and drops them (`publisherPool`). */
  readonly #publisherBackends = new Set<number>();
  readonly #snapshotDir: string | null;

  constructor(options: FleetOptions = {}) {
    this.#pingIntervalMs = options.pingIntervalMs ?? null;
    this.#keepaliveInStep = options.keepaliveInStep ?? false;
    this.#serverPriority = options.serverPriority ?? 0;
    this.#generatorPriority = options.generatorPriority ?? 0;
    this.#backendPriority = options.backendPriority ?? 0;
    const realtime = [this.#serverPriority, this.#generatorPriority, this.#backendPriority].includes('realtime');
    const scheduling = options.scheduling ?? { liftRealtimeLimit: false, rrSliceMs: null, loopFirst: false, backendsWithHelpers: false, publisherBackendsFirst: false };
    this.#realtimeSettings = realtimeSettings(realtime && scheduling.liftRealtimeLimit, realtime ? scheduling.rrSliceMs : null);
    this.#belowServers = scheduling.rrSliceMs ? '--rr' : '--fifo';
    this.#loopFirst = scheduling.loopFirst;
    this.#backendsWithHelpers = scheduling.backendsWithHelpers;
    this.#publisherBackendsFirst = scheduling.publisherBackendsFirst;
    this.#snapshotDir = options.snapshotDir ?? null;
  }

  async startGenerators(count: number): Promise<void> {
    // A generator idles between deliveries, so V8's memory reducer ran full GCs in it, stamping
    // the deliveries that arrived meanwhile up to 60 ms late (BENCHMARKS.md, twelfth session).
    // BENCH_GENERATOR_FLAGS: more node flags for the load generators.
    const nodeFlags = ['--no-memory-reducer', '--expose-gc', ...(process.env.BENCH_GENERATOR_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];
    this.generators = Array.from({ length: count }, (_, g) => this.#adopt(new Child(`generator-${g}`, './load-generator.ts', [], { nodeFlags })));
    this.#generatorScheduling = prioritiseGenerators(this.generators, this.#generatorPriority, this.#belowServers);
    await Promise.all(this.generators.map((g) => g.next('ready', 60_000)));
  }

  /** Call before the pool's first query: its backends are then known, to run with the generators while publishing. */
  publisherPool(pool: pg.Pool): void {
    // node-postgres keeps each connection's backend pid (from its BackendKeyData) but does not type it.
    const pid = (client: pg.PoolClient) => (client as pg.PoolClient & { processID: number }).processID;
    pool.on('connect', (client) => this.#publisherBackends.add(pid(client)));
    pool.on('remove', (client) => this.#publisherBackends.delete(pid(client)));
  }

  /**
   * A phase starts publishing to `servers`: the load generators and the publisher go ahead of all
   * but the servers, and so do the servers' database backends with `moreBackends` and the
   * publisher's (each as its priority says), with the kernel's real-time settings held as asked.
   */
  async publishingStarts(servers: Child[], moreBackends: number[] = []): Promise<void> {
    this.#realtimeSettings.hold();
    await this.#generatorScheduling?.first();
    const [first] = servers;
    if (!first) return;
    const backends = async () => [...(await first.request<Message & { pids: number[] }>({ type: 'backends' }, 10_000)).pids, ...moreBackends];
    this.#backendScheduling = [prioritiseBackends("the servers'", backends, this.#backendPriority, this.#belowServers, this.#backendsWithHelpers)];
    if (this.#publisherBackendsFirst) {
      this.#backendScheduling.push(prioritiseBackends("the publisher's", async () => [...this.#publisherBackends], this.#backendPriority, this.#belowServers, false));
    }
    await Promise.all(this.#backendScheduling.map((scheduling) => scheduling.first()));
  }

  /** The phase has published and its deliveries are in (or it failed): every process shares the cores again. */
  async publishingEnds(): Promise<void> {
    const backends = this.#backendScheduling;
    this.#backendScheduling = [];
    await Promise.all([this.#generatorScheduling?.shared(), ...backends.map((scheduling) => scheduling.shared())]);
    this.#realtimeSettings.restore();
  }

  async startServer(kind: ServerKind, name: string, env: Record<string, string> = {}) {
    // BENCH_SERVER_FLAGS: more node flags for the servers only (say `--trace-gc`).
    const extra = process.env.BENCH_SERVER_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
    const server = this.#adopt(new Child(name, SERVER_BUNDLE, [kind], { nodeFlags: ['--expose-gc', ...extra], env }));
    const priority = prioritise(server, this.#serverPriority, this.#loopFirst);
    const { port } = await server.next<Message & { port: number }>('ready', 60_000);
    await priority.whenReady();
    return { server, url: `ws://127.0.0.1:${port}/trpc` };
  }

  killAll(): void {
    this.#realtimeSettings.restore();
    for (const child of this.#children) child.kill();
  }

  // ---- servers ----

  memoryOf(servers: Child[]) {
    return Promise.all(servers.map((server) => server.request<Message & MemorySample>({ type: 'memory' }, 120_000)));
  }

  /** Share of a core and event-loop delay of each server since the previous call. */
  loadOf(servers: Child[]) {
    return Promise.all(servers.map((s) => s.request<ServerLoad>({ type: 'load' }, 10_000)));
  }

  /** Writes `<dir>/<label>.heapsnapshot` of this server (for heap-diff.ts), when asked to. */
  async snapshot(server: Child, label: string): Promise<void> {
    if (!this.#snapshotDir) return;
    mkdirSync(this.#snapshotDir, { recursive: true });
    await server.request({ type: 'snapshot', path: join(this.#snapshotDir, `${label}.heapsnapshot`) }, 600_000);
  }

  /** Starts CPU profiles of these servers, or stops them and writes `<dir>/<name><suffix>.cpuprofile`. */
  async profile(servers: Child[], action: 'start' | 'stop', dir: string | null, suffix = ''): Promise<void> {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    await Promise.all(
      servers.map((s) => s.request({ type: 'profile', action, path: join(dir, `${s.name}${suffix}.cpuprofile`) }, 120_000)),
    );
  }

  /** Polls the servers until they hold `expected` sockets in all (or the time is up). */
  async awaitSockets(servers: Child[], expected: number, timeoutMs: number): Promise<number> {
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

  /**
   * Waits until the servers are idle (under 12% of a core for two half-second windows running;
   * the keepalive PINGs of 19,000 idle sockets alone take about 7%): a subscription reports
   * 'started' before it has read its stream position from the database, and until it has,
   * neither its memory nor its deliveries are what they will be.
   */
  async awaitIdle(servers: Child[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietWindows = 0;
    let shares: number[] = [];
    await this.loadOf(servers);
    while (quietWindows < 2 && Date.now() < deadline) {
      await sleep(500);
      shares = (await this.loadOf(servers)).map((load) => load.cpuShare);
      quietWindows = shares.some((share) => share >= 0.12) ? 0 : quietWindows + 1;
    }
    const percent = shares.map((share) => `${(share * 100).toFixed(0)}%`).join(', ');
    log(quietWindows < 2 ? `servers still busy after ${timeoutMs / 1000} s (${percent} of a core); measuring anyway` : 'servers idle');
  }

  // ---- load generators ----

  /**
   * Deals `targets` out over the generators by their index (generator g holds the indexes equal
   * to g modulo their count, also when they connect in several waves), so that a phase on the
   * first few thousand sockets has the same client processes, equally loaded, as one on all of
   * them; each generator connects from its own loopback address for this phase. With `keepAlive`
   * the clients ping as the app's tRPC clients do.
   */
  async connect(targets: SocketTarget[], phase: number, keepAlive: boolean): Promise<number> {
    const pingIntervalMs = keepAlive ? (this.#pingIntervalMs ?? 'app') : null;
    const timeoutMs = 60_000 + targets.length * 10;
    const replies = await Promise.all(
      this.generators.map((generator, g) =>
        generator.request<Message & { open: number }>(
          {
            type: 'connect',
            targets: targets.filter((target) => target.index % this.generators.length === g),
            localAddress: `127.0.${phase}.${g + 2}`,
            concurrency: 64,
            pingIntervalMs,
          },
          timeoutMs,
        ),
      ),
    );
    return replies.reduce((total, reply) => total + reply.open, 0);
  }

  /** Subscribes every open socket without a subscription to `path`; returns how many started in all. */
  async subscribe(path: string): Promise<number> {
    const replies = await Promise.all(
      this.generators.map((g) =>
        g.request<Message & { started: number }>(
          { type: 'subscribe', path, window: 200, timeoutMs: 120_000, keepaliveInStep: this.#keepaliveInStep },
          150_000,
        ),
      ),
    );
    return replies.reduce((total, r) => total + r.started, 0);
  }

  async closeSockets(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.request({ type: 'close' }, 60_000)));
  }

  async clientStats() {
    const stats = await Promise.all(this.generators.map((g) => g.request<Message & Record<string, number>>({ type: 'stats' }, 10_000)));
    const total = (field: string) => stats.reduce((sum, s) => sum + Number(s[field] ?? 0), 0);
    const errors = [...new Set(stats.flatMap((s) => (s.firstErrors as unknown as string[]) ?? []))].slice(0, 3);
    return { total, errors };
  }

  /** A full garbage collection in every load generator. */
  async collectClientGarbage(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.request({ type: 'collect' }, 30_000)));
  }

  /** The load generators' worst event-loop delay (p99, max) and wait for a core since the last ask, and each one's GC pauses. */
  async clientLoops(): Promise<ClientLoops> {
    type Loop = Message & { p99Ms: number; maxMs: number; gcAt: number[]; stalls: LoopStalls; waitedMs: ThreadWaits | null };
    const loops = await Promise.all(this.generators.map((g) => g.request<Loop>({ type: 'loop' }, 10_000)));
    return {
      p99Ms: Math.max(...loops.map((l) => l.p99Ms)),
      maxMs: Math.max(...loops.map((l) => l.maxMs)),
      gcAt: loops.map((l) => l.gcAt),
      stalls: loops.map((l) => l.stalls),
      waitedMs: loops.some((l) => l.waitedMs === null) ? null : Math.max(...loops.map((l) => l.waitedMs!.main)),
    };
  }

  /** Waits until `expected` deliveries arrived in all (since the sockets opened), or none arrived for 3 s (20 s at most). */
  async awaitDeliveries(expected: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    let received = -1;
    let progressAt = Date.now();
    while (Date.now() < deadline && Date.now() - progressAt < 3_000) {
      const now = (await this.clientStats()).total('received');
      if (now >= expected) return;
      if (now > received) [received, progressAt] = [now, Date.now()];
      await sleep(100);
    }
  }

  /** Every delivery recorded so far, per generator: flat triples (socket, key, time). */
  async deliveries(): Promise<number[][]> {
    const replies = await Promise.all(this.generators.map((g) => g.request<Message & { deliveries: number[] }>({ type: 'deliveries' }, 60_000)));
    return replies.map((r) => r.deliveries);
  }

  async stop(servers: Child[]): Promise<void> {
    await Promise.all([...servers, ...this.generators].map((child) => child.stop()));
  }

  #adopt(child: Child): Child {
    this.#children.push(child);
    return child;
  }
}
