/**
 * When a process's event loop stalled, on the bench's shared clock (clock.ts), so that a server's
 * stall can be told from a moment when the machine stopped (every process together, or the core
 * it waited on: core-watch.ts), which nothing a process does can hide from a 30 ms target.
 * A 5 ms timer that fires late notes the
 * stall's end and length, and the CPU time the process used meanwhile; the servers, the load
 * generators and the publisher each keep one.
 */
import { onClock } from './clock.js';
import type { CoreStops } from './core-watch.js';

const TICK_MS = 5;
/** Shorter stalls are not noted: only the long ones are compared between processes. */
const NOTED_OVER_MS = 10;

/** Flat triples (end on the shared clock, ms, the process's CPU time meanwhile in ms), oldest first. */
export type LoopStalls = number[];

/** CPU time of every thread of this process, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function watchLoopStalls(): { take(): LoopStalls; stop(): void } {
  let stalls: LoopStalls = [];
  let last = performance.now();
  let lastCpu = cpuMs();
  const timer = setInterval(() => {
    const [now, cpu] = [performance.now(), cpuMs()];
    const late = now - last - TICK_MS;
    if (late >= NOTED_OVER_MS) stalls.push(onClock(now), late, cpu - lastCpu);
    [last, lastCpu] = [now, cpu];
  }, TICK_MS).unref();
  return {
    take() {
      const taken = stalls;
      stalls = [];
      return taken;
    },
    stop: () => clearInterval(timer),
  };
}

/** A stall's length for the report: 0 stands for none noted. */
export const stallFigure = (ms: number) => (ms === 0 ? `none over ${NOTED_OVER_MS} ms` : `${ms.toFixed(1)} ms`);

/**
 * The longest of `triples` (a loop's stalls, or the cores' stops: each begins with its end and its
 * length) that overlaps [from, to], in ms (0: none); `slackMs` widens each back by a tick.
 */
function longestDuring(triples: LoopStalls | CoreStops, from: number, to: number, slackMs = TICK_MS): number {
  let longest = 0;
  for (let i = 0; i < triples.length; i += 3) {
    const [end, ms] = [triples[i]!, triples[i + 1]!];
    if (end - ms - slackMs <= to && end >= from) longest = Math.max(longest, ms);
  }
  return longest;
}

export interface SharedStalls {
  /** The server's longest stall (`end` on the shared clock, `cpuMs`: its threads' CPU time meanwhile), and the publisher's, each generator's and any core's longest stop at the same moment (`coreMs` null: the cores were not watched). */
  longest: { ms: number; end: number; cpuMs: number; publisherMs: number; generatorsMs: number[]; coreMs: number | null };
  /** The server's longest stall of its own: all but the machine's (see shareOfStalls). */
  aloneMs: number;
}

/**
 * The server's stalls against the others': a stall counts as the machine's, not the server's,
 * when the server itself ran for less than half of it and, at the same moment, either a core
 * stopped for at least half as long (core-watch.ts: one virtual CPU not running stops whatever
 * waits on it, while processes on the other run on; twenty-second session), or the publisher's
 * loop and at least one generator's stalled for at least half as long (the generators stall often
 * on their own; a stop of the machine stops all alike). A kernel trace showed the case that is
 * the server's: its loop and a GC helper of its own holding both cores for 40–70 ms, every other
 * process of the bench waiting (BENCHMARKS.md, twenty-first session).
 */
export function shareOfStalls(server: LoopStalls, publisher: LoopStalls, generators: LoopStalls[], cores: CoreStops | null): SharedStalls {
  let longest: SharedStalls['longest'] = { ms: 0, end: 0, cpuMs: 0, publisherMs: 0, generatorsMs: generators.map(() => 0), coreMs: cores ? 0 : null };
  let aloneMs = 0;
  for (let i = 0; i < server.length; i += 3) {
    const [end, ms, cpuMs] = [server[i]!, server[i + 1]!, server[i + 2]!];
    const from = end - ms - TICK_MS;
    const publisherMs = longestDuring(publisher, from, end);
    const generatorsMs = generators.map((stalls) => longestDuring(stalls, from, end));
    const coreMs = cores ? longestDuring(cores, from, end, 0) : null;
    if (ms > longest.ms) longest = { ms, end, cpuMs, publisherMs, generatorsMs, coreMs };
    const stalledToo = (otherMs: number) => otherMs >= ms / 2;
    const machines = ((coreMs !== null && stalledToo(coreMs)) || (stalledToo(publisherMs) && generatorsMs.some(stalledToo))) && cpuMs < ms / 2;
    if (!machines) aloneMs = Math.max(aloneMs, ms);
  }
  return { longest, aloneMs };
}
