/**
 * How the bench's processes share the machine's two cores. The load generators, the publisher
 * and PostgreSQL stand in for other machines, and the server's tail depends on how long it waits
 * behind them (BENCHMARKS.md, thirteenth and fourteenth sessions). A priority is 'realtime' or a
 * nice value (0: equal shares, left as it is).
 *
 * 'realtime' is a real-time policy: the servers' SCHED_FIFO from the moment they are ready (a
 * server's event loop one level above its own helper threads), the load generators' only while a
 * phase publishes, below the servers' (SCHED_RR by default). A generator stamps a delivery when
 * its loop gets to it, as a browser on a device of its own would at once (fifteenth session);
 * while 19,000 sockets connect and sign in they stay at nice -5, because on SCHED_FIFO then they
 * starved PostgreSQL until the server refused sockets (fourteenth session). While a phase
 * publishes, the publisher (it stamps commits) and the PostgreSQL backends serving the servers
 * run at the generators' level too (sixteenth session), the servers' backends a level above them
 * with the servers' helper threads (twenty-second session); the rest of PostgreSQL keeps equal
 * shares, the publisher's backends too unless `publisherBackendsFirst` (twenty-fifth session).
 * Meanwhile the kernel's cap on real-time threads is lifted (`realtimeSettings`, twentieth
 * session), and the level below the servers takes turns (SCHED_RR, a one-tick slice; twenty-first
 * session).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { setPriority } from 'node:os';
import type { Child } from './children.js';
import { log } from './log.js';

export type Priority = 'realtime' | number;

const run = promisify(execFile);

/** Where 'realtime' cannot be had, and the load generators' outside the phases. */
const NICE_FALLBACK = -5;
/**
 * Real-time levels (1 is the lowest): a server's event loop runs before anything else of the
 * bench's; its helper threads (V8's GC, libuv's pool), the NOTIFY probe and, while a phase
 * publishes, the servers' database backends next; then the load generators and the publisher,
 * before the rest of PostgreSQL. On one level SCHED_FIFO does not preempt: a kernel trace showed
 * a server's loop waiting up to 10.6 ms for its own GC helpers and the probe's threads
 * (BENCHMARKS.md, twenty-first session).
 */
const SERVER_LOOP_LEVEL = '3';
const SERVER_LEVEL = '2';
const BELOW_SERVERS = '1';

/**
 * How the level below the servers shares a core: '--rr' takes turns, one kernel tick each
 * (`realtimeSettings` shortens the slice while publishing); '--fifo' runs each until it blocks, and
 * there the publisher's loop and its GC helpers held a core up to 53 ms while a generator with a
 * delivery to stamp waited behind them (twenty-first session).
 */
export type LevelPolicy = '--fifo' | '--rr';

/**
 * Call as the child is spawned: a nice value is set while the process has one thread, so the
 * threads it starts inherit it. 'realtime' is applied by `whenReady`, once the threads exist:
 * every thread (the loop, V8's GC helpers, libuv's pool; later ones inherit the loop's) goes on
 * SCHED_FIFO above the load generators', so the kernel runs it as soon as it is ready
 * instead of after the slice of whatever else holds the core; with `loopFirst` the event loop's
 * thread a level above the rest, as a server's loop would not wait for its helpers on a machine
 * with cores to spare. A server uses a fifth of a core here; ordinary threads keep a share
 * through the kernel's fair server (Linux 6.12 and later).
 */
export function prioritise(child: Child, priority: Priority, loopFirst = false): { whenReady(): Promise<void> } {
  const wanted = priority === 'realtime' ? NICE_FALLBACK : priority;
  const nice = wanted !== 0 && setNice(child, wanted) ? wanted : 0;
  return {
    async whenReady() {
      if (priority !== 'realtime') return;
      const refused =
        (await chrt(child.pid!, '--fifo', SERVER_LEVEL)) ?? (loopFirst ? await chrt(child.pid!, '--fifo', SERVER_LOOP_LEVEL, 'loop') : null);
      if (refused) log(`${child.name}: cannot run its threads first (${refused}), so it runs ${nice ? `at nice ${nice}` : 'with equal shares'}`);
    },
  };
}

/**
 * The load generators of a 'realtime' priority: at nice -5 from their spawn (call as they are
 * spawned), real-time below the servers (`policy`) between `first()` and `shared()` (while publishing).
 */
export function prioritiseGenerators(generators: Child[], priority: Priority, policy: LevelPolicy) {
  const nice = priority === 'realtime' ? NICE_FALLBACK : priority;
  const niced = nice !== 0 && generators.every((generator) => setNice(generator, nice));
  // The publisher (this process) stamps each commit as it reads the acknowledgement: read late,
  // a delivery looks faster than it was (down to minus 70 ms with the backends first, sixteenth
  // session). It runs first with the generators while publishing, at its own share otherwise.
  const stampers = [...generators.map((generator) => ({ name: generator.name, pid: generator.pid! })), { name: 'publisher', pid: process.pid }];
  // Cleared when the system refuses: the generators then keep their nice value throughout.
  let switching = priority === 'realtime';
  const all = async (to: LevelPolicy | '--other', level: string) => {
    if (!switching) return;
    for (const { name, pid } of stampers) {
      const reason = await chrt(pid, to, level);
      if (!reason) continue;
      log(`${name}: cannot run first while publishing (${reason}), so the load generators run ${niced ? `at nice ${nice}` : 'with equal shares'}`);
      switching = false;
      return;
    }
  };
  return { first: () => all(policy, BELOW_SERVERS), shared: () => all('--other', '0') };
}

/**
 * PostgreSQL backends (`whose`, for the log) while a phase publishes: real-time ('realtime',
 * `policy`) with the servers' helper threads below their loops (`withHelpers`) or with the load
 * generators, or at the nice value given; like PostgreSQL's other processes otherwise. In
 * production the database has cores of its own. The servers' backends (their pools' connections
 * and their LISTEN connection) do part of every delivery (the announcement forwarded, the events
 * read); here they waited behind the publisher's transactions, which stand in for the other
 * instances' writes, the more so the busier the servers were (sixteenth session), and then behind
 * the load generators, the busier the more sockets they hold (twenty-second). Level with a
 * server's loop, a backend's longer statement held it up to 58 ms (sixteenth), so never there.
 * The publisher's backends commit what is delivered, one notifying transaction at a time
 * (PostgreSQL serialises them until each has committed), so one held back by the generators
 * holds back the commits behind it; with them (`publisherBackendsFirst`) the rest of PostgreSQL
 * starved, and the cores stopped in 6 of 7 runs against 0 of 8 (twenty-fifth session).
 * Backends that start meanwhile (a pool growing) are found every second.
 */
export function prioritiseBackends(whose: string, find: () => Promise<number[]>, priority: Priority, policy: LevelPolicy, withHelpers: boolean) {
  const level = withHelpers ? SERVER_LEVEL : BELOW_SERVERS;
  const raised = new Set<number>();
  let active = false;
  let timer: NodeJS.Timeout | null = null;
  // Cleared when the system refuses: the backends then share the cores like the rest of PostgreSQL.
  let switching = priority !== 0;
  const set = (pid: number, raise: boolean) =>
    priority === 'realtime' ? chrt(pid, raise ? policy : '--other', raise ? level : '0') : Promise.resolve(renice(pid, raise ? priority : 0));
  const raiseNew = async () => {
    const pids = await find();
    for (const pid of pids) {
      if (!active || !switching || raised.has(pid)) continue;
      const reason = await set(pid, true);
      if (reason && !existsSync(`/proc/${pid}`)) continue; // it ended meanwhile (a pool closing an idle connection): not a refusal
      if (reason) {
        log(`database backend ${pid}: cannot raise it (${reason}), so ${whose} backends share the cores with the rest of PostgreSQL`);
        switching = false;
        return;
      }
      raised.add(pid);
    }
  };
  return {
    async first(): Promise<void> {
      if (!switching) return;
      active = true;
      await raiseNew();
      timer = setInterval(() => void raiseNew().catch(() => {}), 1000).unref();
    },
    async shared(): Promise<void> {
      active = false;
      if (timer) clearInterval(timer);
      timer = null;
      const pids = [...raised];
      raised.clear();
      await Promise.all(pids.map((pid) => set(pid, false))); // a backend gone meanwhile cannot be set: nothing to undo
    },
  };
}

/**
 * A kernel setting held at `value` while a phase publishes: `hold` sets it, `restore` puts the
 * previous value back; synchronous, so that a signal's cleanup can restore it too.
 */
function heldSetting(path: string, value: string, refused: string) {
  let previous: string | null = null;
  let holding = true; // cleared when the system refuses: the setting then stays as it is
  return {
    hold(): void {
      if (!holding || previous !== null) return;
      try {
        const current = readFileSync(path, 'utf8').trim();
        if (current === value) return; // nothing to set or put back
        writeFileSync(path, value);
        previous = current;
      } catch (error) {
        log(`cannot set ${path} to ${value} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so ${refused}`);
        holding = false;
      }
    },
    restore(): void {
      if (previous === null) return;
      try {
        writeFileSync(path, previous);
      } catch (error) {
        console.error(`[bench] could not put ${path} back to ${previous}: ${(error as Error).message}`);
      }
      previous = null;
    },
  };
}

/**
 * The kernel's settings for real-time threads while a phase publishes. Its cap
 * (kernel.sched_rt_runtime_us, 950 ms of every second by default): once the bench's real-time
 * threads have used it, the kernel stops them all, the servers' with the stand-ins', for the rest
 * of the second; it logged doing so during runs ("sched: RT throttling activated"; BENCHMARKS.md,
 * nineteenth and twentieth sessions). `liftCap` sets it to -1 (no cap). Ordinary threads (the
 * rest of PostgreSQL, the shell) still get 50 ms of every second from the kernel's fair server
 * (Linux 6.12 and later). And SCHED_RR's slice (kernel.sched_rr_timeslice_ms, 100 ms by default),
 * set to `rrSliceMs` (the kernel rounds it up to a tick) when the level below the servers takes turns.
 */
export function realtimeSettings(liftCap: boolean, rrSliceMs: number | null) {
  const held = [
    ...(liftCap ? [heldSetting('/proc/sys/kernel/sched_rt_runtime_us', '-1', 'the real-time threads may stall together for the rest of a second')] : []),
    ...(rrSliceMs ? [heldSetting('/proc/sys/kernel/sched_rr_timeslice_ms', String(rrSliceMs), 'the level below the servers takes turns of 100 ms')] : []),
  ];
  return {
    hold: () => held.forEach((setting) => setting.hold()),
    restore: () => held.forEach((setting) => setting.restore()),
  };
}

/**
 * Sets the scheduling policy of every thread of a process, or of its event loop's thread alone
 * (its nice value stays); why it could not, or null. Asynchronous: the publisher's loop stamps
 * commits meanwhile.
 */
async function chrt(pid: number, policy: LevelPolicy | '--other', level: string, threads: 'all' | 'loop' = 'all'): Promise<string | null> {
  try {
    await run('chrt', [policy, ...(threads === 'all' ? ['--all-tasks'] : []), '--pid', level, String(pid)]);
    return null;
  } catch (error) {
    return (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
  }
}

/** Sets a process's nice value; why it could not, or null. */
function renice(pid: number, nice: number): string | null {
  try {
    setPriority(pid, nice);
    return null;
  } catch (error) {
    // Node reports the system's code (EACCES without the right to raise it) in `info`.
    const { code, info } = error as NodeJS.ErrnoException & { info?: { code?: string } };
    return info?.code ?? code ?? (error as Error).message;
  }
}

/** False (and says so) when the nice value cannot be set. */
function setNice(child: Child, nice: number): boolean {
  const reason = renice(child.pid!, nice);
  if (reason) log(`${child.name}: cannot run at nice ${nice} (${reason}), so it shares the cores equally`);
  return reason === null;
}

/** How the servers', the load generators' and the servers' backends' priorities read in the bench's log. */
export function describePriorities(servers: Priority, generators: Priority, backends: Priority, settings: SchedulingSettings) {
  const below = settings.rrSliceMs ? `SCHED_RR below the servers, ${settings.rrSliceMs} ms turns` : 'SCHED_FIFO below the servers';
  return `servers run ${servers === 'realtime' ? `first (SCHED_FIFO, ${settings.loopFirst ? 'the event loop above its helper threads' : 'the event loop level with its helper threads'})` : `at nice ${servers}`}, load generators ${
    generators === 'realtime' ? `next while publishing (${below}), at nice ${NICE_FALLBACK} otherwise` : `at nice ${generators}`
  }; the servers' database backends ${
    backends === 'realtime'
      ? `${settings.backendsWithHelpers ? "with the servers' helper threads" : 'with the load generators'} while publishing (${settings.rrSliceMs ? 'SCHED_RR' : 'SCHED_FIFO'})`
      : backends === 0
        ? 'like the rest of PostgreSQL'
        : `at nice ${backends} while publishing`
  }${settings.publisherBackendsFirst && backends !== 0 ? `, the publisher's ${backends === 'realtime' ? 'with the load generators' : 'too'}` : ''}${
    [servers, generators, backends].includes('realtime')
      ? `; the kernel's cap on real-time threads ${settings.liftRealtimeLimit ? 'lifted while publishing' : 'kept'}`
      : ''
  }`;
}

/** The bench's scheduling arrangements beyond the priorities (see --keep-rt-limit, --rr-slice-ms, --loop-with-helpers, --backends-with-clients, --publisher-backends-first). */
export interface SchedulingSettings {
  liftRealtimeLimit: boolean;
  /** SCHED_RR's slice for the level below the servers; null: SCHED_FIFO there. */
  rrSliceMs: number | null;
  /** Whether a server's event loop runs a level above its helper threads. */
  loopFirst: boolean;
  /** Whether the servers' database backends run with their helper threads; never without `loopFirst`. */
  backendsWithHelpers: boolean;
  /** Whether the publisher's database backends run with the load generators while publishing, at the servers' backends' priority. */
  publisherBackendsFirst: boolean;
}
