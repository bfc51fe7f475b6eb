/** How busy the whole machine was: the benchmark shares its cores with everything else. */
import { readdirSync, readFileSync } from 'node:fs';

interface CpuTimes {
  busy: number;
  /** Time a virtual machine's cores were ready to run but the hypervisor ran something else. */
  steal: number;
  total: number;
}

/** Jiffies summed over all cores, from /proc/stat (Linux); null elsewhere. */
function cpuTimes(): CpuTimes | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3]! + (fields[4] ?? 0); // idle + iowait
    const steal = fields[7] ?? 0;
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, steal, total };
  } catch {
    return null;
  }
}

/** Shares of all cores (0..1) over a measurement. */
export interface MachineShares {
  busy: number;
  /** Taken by the hypervisor: counted in busy, though nothing of ours ran then. */
  stolen: number;
}

/** Starts a measurement; the returned function gives the shares since (null off Linux). */
export function machineBusy(): () => MachineShares | null {
  const start = cpuTimes();
  return () => {
    const end = cpuTimes();
    if (!start || !end || end.total === start.total) return null;
    const total = end.total - start.total;
    return { busy: (end.busy - start.busy) / total, stolen: (end.steal - start.steal) / total };
  };
}

/** How long this process's threads were ready to run but waited for a core, in ms. */
export interface ThreadWaits {
  /** The main thread, which runs the event loop. */
  main: number;
  /** Every other thread: V8's GC and compiler helpers, libuv's pool. */
  helpers: number;
}

/**
 * Run-queue waits summed per thread, from /proc/self/task/<tid>/schedstat (Linux; the second
 * field is the time runnable but not running, in ns). Time the hypervisor took is not in it: to
 * the guest's scheduler a thread on a stolen core is running. Null elsewhere.
 */
function threadWaits(): ThreadWaits | null {
  try {
    const waits = { main: 0, helpers: 0 };
    for (const tid of readdirSync('/proc/self/task')) {
      const waitedMs = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
      if (Number(tid) === process.pid) waits.main += waitedMs;
      else waits.helpers += waitedMs;
    }
    return waits;
  } catch {
    return null;
  }
}

/** Starts a measurement; the returned function gives this process's waits since (null off Linux). */
export function threadsWaiting(): () => ThreadWaits | null {
  const start = threadWaits();
  return () => {
    const end = threadWaits();
    if (!start || !end) return null;
    // A thread that ended meanwhile takes its total with it: a helper's figure may undercount.
    return { main: end.main - start.main, helpers: Math.max(0, end.helpers - start.helpers) };
  };
}

/**
 * How fast the host runs a fixed piece of work now: the fastest of 20 runs of it, in µs (the
 * fastest leaves out preemptions). On this VM the same deliveries took up to a fifth more CPU
 * time in some runs than in others while the guest saw no stolen time (BENCHMARKS.md, twentieth
 * and twenty-first sessions); timed before and after each phase, a slower core shows beside the
 * figures it slowed. The work is arithmetic in registers: a walk through memory varied 1.8–4.1 ms
 * from one try to the next on the same machine, this 1.20–1.24 ms.
 */
export function hostSpeed(): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 20; run++) {
    const start = performance.now();
    fixedWork();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest * 1000;
}

let workResult = 0; // read by nothing: kept so that the loop is not optimised away

function fixedWork(): void {
  let x = 1;
  for (let step = 0; step < 1_000_000; step++) x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
  workResult ^= x;
}
