/**
 * How the bench's processes share the machine's two cores. The load generators, the publisher
 * and PostgreSQL stand in for other machines, and the server's tail depends on how long it waits
 * behind them (BENCHMARKS.md, thirteenth and fourteenth sessions). A priority is 'realtime' or a
 * nice value (0: equal shares, left as it is).
 *
 * 'realtime' is SCHED_FIFO: the servers' from the moment they are ready, the load generators'
 * only while a phase publishes, one level below the servers'. A generator stamps a delivery when
 * its loop gets to it, as a browser on a device of its own would at once (fifteenth session);
 * while 19,000 sockets connect and sign in they stay at nice -5, because on SCHED_FIFO then they
 * starved PostgreSQL until the server refused sockets (fourteenth session).
 */
import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Child } from './children.js';
import { log } from './log.js';

export type Priority = 'realtime' | number;

/** Where 'realtime' cannot be had, and the load generators' outside the phases. */
const NICE_FALLBACK = -5;
/** SCHED_FIFO levels (1 is the lowest): a server's thread runs before a load generator's. */
const SERVER_LEVEL = '2';
const GENERATOR_LEVEL = '1';

/**
 * Call as the child is spawned: a nice value is set while the process has one thread, so the
 * threads it starts inherit it. 'realtime' is applied by `whenReady`, once the threads exist:
 * every thread (the loop, V8's GC helpers, libuv's pool; later ones inherit it) goes on
 * SCHED_FIFO above the load generators', so the kernel runs it as soon as it is ready
 * instead of after the slice of whatever else holds the core. A server uses a fifth of a core
 * here, and the kernel keeps 5% of every second for the rest.
 */
export function prioritise(child: Child, priority: Priority): { whenReady(): void } {
  const wanted = priority === 'realtime' ? NICE_FALLBACK : priority;
  const nice = wanted !== 0 && setNice(child, wanted) ? wanted : 0;
  return {
    whenReady() {
      if (priority !== 'realtime') return;
      const refused = chrt(child, '--fifo', SERVER_LEVEL);
      if (refused) log(`${child.name}: cannot run its threads first (${refused}), so it runs ${nice ? `at nice ${nice}` : 'with equal shares'}`);
    },
  };
}

/**
 * The load generators of a 'realtime' priority: at nice -5 from their spawn (call as they are
 * spawned), on SCHED_FIFO below the servers between `first()` and `shared()` (while publishing).
 */
export function prioritiseGenerators(generators: Child[], priority: Priority) {
  const nice = priority === 'realtime' ? NICE_FALLBACK : priority;
  const niced = nice !== 0 && generators.every((generator) => setNice(generator, nice));
  // Cleared when the system refuses: the generators then keep their nice value throughout.
  let switching = priority === 'realtime';
  const all = (policy: '--fifo' | '--other', level: string) => {
    if (!switching) return;
    for (const generator of generators) {
      const reason = chrt(generator, policy, level);
      if (!reason) continue;
      log(`${generator.name}: cannot run first while publishing (${reason}), so the load generators run ${niced ? `at nice ${nice}` : 'with equal shares'}`);
      switching = false;
      return;
    }
  };
  return { first: () => all('--fifo', GENERATOR_LEVEL), shared: () => all('--other', '0') };
}

/** Sets the scheduling policy of every thread of the child (its nice value stays); why it could not, or null. */
function chrt(child: Child, policy: '--fifo' | '--other', level: string): string | null {
  try {
    execFileSync('chrt', [policy, '--all-tasks', '--pid', level, String(child.pid)], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
  }
}

/** False (and says so) when the nice value cannot be set. */
function setNice(child: Child, nice: number): boolean {
  try {
    setPriority(child.pid!, nice);
    return true;
  } catch (error) {
    // Node reports the system's code (EACCES without the right to raise it) in `info`.
    const { code, info } = error as NodeJS.ErrnoException & { info?: { code?: string } };
    log(`${child.name}: cannot run at nice ${nice} (${info?.code ?? code}), so it shares the cores equally`);
    return false;
  }
}

/** How the servers' and the load generators' priorities read in the bench's log. */
export const describePriorities = (servers: Priority, generators: Priority) =>
  `servers run ${servers === 'realtime' ? 'first (SCHED_FIFO)' : `at nice ${servers}`}, load generators ${
    generators === 'realtime' ? `next while publishing (SCHED_FIFO, below the servers), at nice ${NICE_FALLBACK} otherwise` : `at nice ${generators}`
  }`;
