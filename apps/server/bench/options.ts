/** Command-line flags of `npm run bench:realtime -- [flags]`, each with a BENCH_* variable too. */
import { parseArgs } from 'node:util';
import type { Priority, SchedulingSettings } from './priority.js';

const HELP = `npm run bench:realtime -- [flags]
  --sockets N           subscribed sockets in total (default 19000 per instance)   BENCH_SOCKETS
  --instances 1|2       server processes on one database (default 1)               BENCH_INSTANCES
  --rate R              notifications per second (default 2000)                    BENCH_RATE
  --duration S          seconds of publishing (default 20)                         BENCH_DURATION
  --devices D           sockets (devices) per user (default 1)                     BENCH_DEVICES
  --batch B             notifications per transaction (default 1)                  BENCH_BATCH
  --in-flight F         concurrent publishing transactions (default 32)            BENCH_IN_FLIGHT
  --per-generator G     sockets per load-generator process (default 5000)          BENCH_PER_GENERATOR
  --ping-interval MS    client keepalive: PING after MS quiet (default: the app's wsKeepAlive)
  --server-priority=P   how the servers share the cores with the load              BENCH_SERVER_PRIORITY
                        generators, the publisher and PostgreSQL, which would run
                        elsewhere in production: realtime (default: every server
                        thread on SCHED_FIFO, its event loop above the rest, so it runs as
                        soon as it is ready; needs root, else nice -5), or a nice value
                        (0: equal shares; write negatives with =)
  --generator-priority=P                                                         BENCH_GENERATOR_PRIORITY
                        how the load generators share the cores; they stand in for
                        19,000 browsers and stamp each delivery when their loop gets
                        to it: realtime (default: real-time below the servers while a
                        phase publishes, as on devices of their own; nice -5 while
                        sockets connect, when SCHED_FIFO starved PostgreSQL), or a
                        nice value throughout (-5: the fourteenth session's; 0: equal
                        shares). --generator-nice=N and BENCH_GENERATOR_NICE: the same
  --backend-priority=P                                                           BENCH_BACKEND_PRIORITY
                        how the PostgreSQL backends serving the servers (their pools'
                        and listeners') share the cores while a phase publishes; their
                        work is part of each delivery, and in production the database
                        has cores of its own: realtime (default: real-time below the
                        servers' loops; see --backends-with-clients), or a nice value
                        (0: like the rest of PostgreSQL, the fifteenth session's)
  --keep-rt-limit       keep the kernel's cap on real-time threads               BENCH_KEEP_RT_LIMIT=1
                        while publishing (kernel.sched_rt_runtime_us, 950 ms of each
                        second): by default, with any priority realtime, it is lifted
                        (-1) while a phase publishes and put back after, because at the
                        cap the kernel stops every real-time thread of the bench for the
                        rest of the second (it logged doing so during runs)
  --rr-slice-ms N       how the load generators, the publisher and the servers'       BENCH_RR_SLICE_MS
                        backends share a core with their level while publishing: SCHED_RR
                        with kernel.sched_rr_timeslice_ms set to N (default 1; the kernel
                        rounds it up to one tick) and put back after; 0: SCHED_FIFO,
                        where one runs until it blocks (the twentieth session's)
  --loop-with-helpers   a server's event loop on the level of its helper threads   BENCH_LOOP_WITH_HELPERS=1
                        and of the NOTIFY probe (the twentieth session's); by default it
                        runs a level above them, which on that level kept it waiting
  --backends-with-clients                                                        BENCH_BACKENDS_WITH_CLIENTS=1
                        the servers' database backends on the level of the load
                        generators while publishing (the twenty-first session's); by
                        default they run with the servers' helper threads, below a
                        server's loop and above the clients, which held them back the
                        more the more sockets they held
  --publisher-backends-first                                                     BENCH_PUBLISHER_BACKENDS_FIRST=1
                        the publisher's database backends with the load generators while
                        a phase publishes (by default they run with the rest of PostgreSQL,
                        below the generators, and a notifying commit held back there holds
                        back every commit behind it); it starves the rest of PostgreSQL,
                        and cores stopped in 6 of 7 runs with it (twenty-fifth session)
  --no-core-watch       no watch on each core (core-watch.ts: a process per core on       BENCH_NO_CORE_WATCH=1
                        SCHED_FIFO 99 waking every 4 ms, 3-4% of a core in all): no stall
                        is then put down to a stopped core
  --keepalive-in-step   every socket's keepalive clock starts when its subscription does, so
                        the sockets subscribed together PING together 20-25 s later (a wave,
                        as after a mass reconnect); by default each starts at a random point
                        of its interval, as in a population that connected over time
  --floor-sockets N     sockets for the bare-ws floor (default: sockets per instance, 0 skips)
  --heap-snapshots DIR  write heap snapshots of the tRPC floor and server-0 at each step
                        into DIR (compare them with bench/heap-diff.ts)
  --cpu-prof DIR        write a CPU profile of each real server while publishing into DIR
  BENCH_DATABASE_URL    PostgreSQL server to create the bench database on
                        (default postgres://postgres@127.0.0.1:5432/postgres)
Tail latency, small against full socket count (instead of the figures above):
  --compare-sockets N   publish at --rate for --duration while N sockets are subscribed,
                        then again once all --sockets are: latency, event-loop delay, GC
                        and p99 per 2 s of each, side by side, and the ratio of the p99s
                        (suggested: --duration 60; at 20 s, 40 deliveries set each p99)
  --find-rate MS        at the full socket count, publish --duration phases at rising rates
                        (--rate-step, 2x, ..., then bisecting) and report the highest rate
                        whose commit -> client p99 stays under MS (suggested: --duration 10)
  --rate-step R         first rate and step of --find-rate (default 200)
  --max-rate R          highest rate --find-rate tries (default 3000)
  (with --cpu-prof, each phase writes <server>-<phase>.cpuprofile)`;

export interface BenchOptions {
  sockets: number;
  instances: number;
  rate: number;
  durationMs: number;
  devicesPerUser: number;
  batch: number;
  maxInFlight: number;
  perGenerator: number;
  /** null: the app's policy, each socket its own interval (wsKeepAlive). */
  pingIntervalMs: number | null;
  /** Whether sockets subscribed together keep their keepalive clocks in step (see --keepalive-in-step). */
  keepaliveInStep: boolean;
  /** Whether a watch on each core tells a stopped core from a server's stall (see --no-core-watch). */
  watchCores: boolean;
  /** How the servers share the cores (see --server-priority). */
  serverPriority: Priority;
  /** How the load generators share the cores (see --generator-priority). */
  generatorPriority: Priority;
  /** How the servers' database backends share the cores while publishing (see --backend-priority). */
  backendPriority: Priority;
  /** The kernel's real-time cap, the level below the servers, a server's loop, the servers' backends (see --keep-rt-limit, --rr-slice-ms, --loop-with-helpers, --backends-with-clients). */
  scheduling: SchedulingSettings;
  floorSockets: number;
  heapSnapshotDir: string | null;
  cpuProfileDir: string | null;
  adminUrl: string;
  /** Sockets subscribed in the small phase of the comparison; null: no comparison. */
  compareSockets: number | null;
  /** p99 target (ms) of the rate search; null: no search. */
  findRateP99Ms: number | null;
  rateStep: number;
  maxRate: number;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sockets: { type: 'string' },
      instances: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      devices: { type: 'string' },
      batch: { type: 'string' },
      'in-flight': { type: 'string' },
      'per-generator': { type: 'string' },
      'ping-interval': { type: 'string' },
      'keepalive-in-step': { type: 'boolean' },
      'server-priority': { type: 'string' },
      'generator-priority': { type: 'string' },
      'generator-nice': { type: 'string' },
      'backend-priority': { type: 'string' },
      'keep-rt-limit': { type: 'boolean' },
      'rr-slice-ms': { type: 'string' },
      'loop-with-helpers': { type: 'boolean' },
      'backends-with-clients': { type: 'boolean' },
      'publisher-backends-first': { type: 'boolean' },
      'no-core-watch': { type: 'boolean' },
      'floor-sockets': { type: 'string' },
      'heap-snapshots': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'compare-sockets': { type: 'string' },
      'find-rate': { type: 'string' },
      'rate-step': { type: 'string' },
      'max-rate': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const integer = (name: string, raw: string | undefined, fallback: number, min: number, max: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${raw}\n\n${HELP}`);
    }
    return value;
  };
  const priority = (name: string, raw: string | undefined): Priority =>
    raw === undefined || raw === 'realtime' ? 'realtime' : integer(`${name} (realtime, or a nice value)`, raw, 0, -20, 19);
  const instances = integer('instances', values.instances ?? env.BENCH_INSTANCES, 1, 1, 2);
  const sockets = integer('sockets', values.sockets ?? env.BENCH_SOCKETS, 19_000 * instances, 1, 19_500 * instances);
  const devicesPerUser = integer('devices', values.devices ?? env.BENCH_DEVICES, 1, 1, 20);
  if (sockets % devicesPerUser !== 0) throw new Error('--sockets must be a multiple of --devices');
  const optional = (name: string, raw: string | undefined, min: number, max: number) =>
    raw === undefined ? null : integer(name, raw, 0, min, max);
  const compareSockets = optional('compare-sockets', values['compare-sockets'], devicesPerUser, sockets - devicesPerUser);
  if (compareSockets !== null && compareSockets % devicesPerUser !== 0) throw new Error('--compare-sockets must be a multiple of --devices');
  const rateStep = integer('rate-step', values['rate-step'], 200, 10, 10_000);
  const loopFirst = !(values['loop-with-helpers'] ?? env.BENCH_LOOP_WITH_HELPERS === '1');
  return {
    sockets,
    instances,
    rate: integer('rate', values.rate ?? env.BENCH_RATE, 2_000, 1, 50_000),
    durationMs: 1000 * integer('duration', values.duration ?? env.BENCH_DURATION, 20, 1, 600),
    devicesPerUser,
    batch: integer('batch', values.batch ?? env.BENCH_BATCH, 1, 1, 100),
    maxInFlight: integer('in-flight', values['in-flight'] ?? env.BENCH_IN_FLIGHT, 32, 1, 64),
    perGenerator: integer('per-generator', values['per-generator'] ?? env.BENCH_PER_GENERATOR, 5_000, 100, 15_000),
    pingIntervalMs: values['ping-interval'] === undefined ? null : integer('ping-interval', values['ping-interval'], 0, 1_000, 600_000),
    keepaliveInStep: values['keepalive-in-step'] ?? false,
    watchCores: !(values['no-core-watch'] ?? env.BENCH_NO_CORE_WATCH === '1'),
    serverPriority: priority('server-priority', values['server-priority'] ?? env.BENCH_SERVER_PRIORITY),
    generatorPriority: priority(
      'generator-priority',
      values['generator-priority'] ?? values['generator-nice'] ?? env.BENCH_GENERATOR_PRIORITY ?? env.BENCH_GENERATOR_NICE,
    ),
    backendPriority: priority('backend-priority', values['backend-priority'] ?? env.BENCH_BACKEND_PRIORITY),
    scheduling: {
      liftRealtimeLimit: !(values['keep-rt-limit'] ?? env.BENCH_KEEP_RT_LIMIT === '1'),
      rrSliceMs: integer('rr-slice-ms', values['rr-slice-ms'] ?? env.BENCH_RR_SLICE_MS, 1, 0, 100) || null,
      loopFirst,
      // Level with a loop that does not run first, a backend held it up to 58 ms (priority.ts).
      backendsWithHelpers: loopFirst && !(values['backends-with-clients'] ?? env.BENCH_BACKENDS_WITH_CLIENTS === '1'),
      publisherBackendsFirst: values['publisher-backends-first'] ?? env.BENCH_PUBLISHER_BACKENDS_FIRST === '1',
    },
    floorSockets: integer('floor-sockets', values['floor-sockets'], Math.ceil(sockets / instances), 0, 19_500),
    heapSnapshotDir: values['heap-snapshots'] ?? null,
    cpuProfileDir: values['cpu-prof'] ?? null,
    adminUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    compareSockets,
    findRateP99Ms: optional('find-rate', values['find-rate'], 1, 10_000),
    rateStep,
    maxRate: integer('max-rate', values['max-rate'], 3_000, rateStep, 50_000),
  };
}
