/**
 * How the bench's processes share the machine's two cores. The load generators, the publisher
 * and PostgreSQL stand in for other machines, and the server's tail depends on how long it waits
 * behind them (BENCHMARKS.md, thirteenth and fourteenth sessions). A priority is 'realtime'
 * (servers only: load generators on SCHED_FIFO starved PostgreSQL while they connected) or a
 * nice value (0: equal shares, left as it is).
 */
import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Child } from './children.js';
import { log } from './log.js';

export type Priority = 'realtime' | number;

/** Where 'realtime' cannot be had. */
const NICE_FALLBACK = -5;

/**
 * Call as the child is spawned: a nice value is set while the process has one thread, so the
 * threads it starts inherit it. 'realtime' is applied by `whenReady`, once the threads exist:
 * every thread (the loop, V8's GC helpers, libuv's pool; later ones inherit it) goes on
 * SCHED_FIFO at the lowest real-time level, so the kernel runs it as soon as it is ready
 * instead of after the slice of whatever else holds the core. A server uses a fifth of a core
 * here, and the kernel keeps 5% of every second for the rest.
 */
export function prioritise(child: Child, priority: Priority): { whenReady(): void } {
  const wanted = priority === 'realtime' ? NICE_FALLBACK : priority;
  const nice = wanted !== 0 && setNice(child, wanted) ? wanted : 0;
  return {
    whenReady() {
      if (priority !== 'realtime') return;
      try {
        execFileSync('chrt', ['--fifo', '--all-tasks', '--pid', '1', String(child.pid)], { stdio: 'pipe' });
      } catch (error) {
        const reason = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
        log(`${child.name}: cannot run its threads first (${reason}), so it runs ${nice ? `at nice ${nice}` : 'with equal shares'}`);
      }
    },
  };
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

/** How a priority reads in the bench's log. */
export const describePriority = (priority: Priority) => (priority === 'realtime' ? 'first (SCHED_FIFO)' : `at nice ${priority}`);
