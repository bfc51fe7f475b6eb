/**
 * Whether a core itself stopped while a phase published. One small process per core, pinned to it
 * and on SCHED_FIFO 99 above everything of the bench's, sleeps TICK_MS at a time and notes each
 * wake-up that came NOTED_OVER_MS or more late, on the shared clock (clock.ts). Nothing of the
 * bench's can hold it back, so a late wake-up means the core did not run: the hypervisor did not
 * wake an idle virtual CPU, or stopped one, or the kernel held the core without preemption. A
 * trace with cyclictest beside found the server's stalls in which it hardly ran to be exactly
 * that (BENCHMARKS.md, twenty-second session); loop-stalls.ts counts such a stall as the machine's.
 */
import { execFile, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { log } from './log.js';

const TICK_MS = 4;
const NOTED_OVER_MS = 8;

/** Flat triples (end on the shared clock, ms late, core), in the order they were heard. */
export type CoreStops = number[];

// The watcher never returns to its event loop: it sleeps on a futex and writes synchronously
// (stdout is a pipe, written synchronously on Linux), so no timer or GC of its own makes it late.
// It ends with the bench, however the bench ends (its parent gone, it is adopted).
const WATCHER = `
const parent = process.ppid;
const sleep = new Int32Array(new SharedArrayBuffer(4));
const origin = Number(process.hrtime.bigint()) / 1e6 - performance.now();
process.stdout.write('ready\\n');
let last = performance.now();
for (;;) {
  Atomics.wait(sleep, 0, 0, ${TICK_MS});
  if (process.ppid !== parent) process.exit();
  const now = performance.now();
  const late = now - last - ${TICK_MS};
  if (late >= ${NOTED_OVER_MS}) process.stdout.write((origin + now).toFixed(3) + ' ' + late.toFixed(3) + '\\n');
  last = now;
}`;

let watching: { take(from: number, to: number): CoreStops } | null = null;

/**
 * The bench's one core watch, started on the first call and kept until the bench ends. A watcher
 * starts at an ordinary priority and goes to SCHED_FIFO 99 once it is up: node's start on that
 * level held both cores for 70-110 ms, inside the window a phase measures.
 */
export function coreWatch(): { take(from: number, to: number): CoreStops } {
  if (watching) return watching;
  const stops: CoreStops = [];
  let refused = false;
  // A watcher below SCHED_FIFO 99, or one gone, would take a busy core for a stopped one.
  const refuse = (reason: string) => {
    if (refused) return;
    refused = true;
    stops.length = 0;
    log(`cannot watch the cores (${reason}), so no stall is put down to a stopped core`);
  };
  for (let core = 0; core < availableParallelism(); core++) {
    const watcher = spawn('taskset', ['--cpu-list', String(core), process.execPath, '-e', WATCHER], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    watcher.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') {
          execFile('chrt', ['--fifo', '--all-tasks', '--pid', '99', String(watcher.pid)], (error, _out, stderr) => error && refuse(stderr.trim() || error.message));
          continue;
        }
        const [end, late] = line.split(' ').map(Number);
        if (!refused) stops.push(end!, late!, core);
      }
    });
    let complaint = '';
    watcher.stderr.setEncoding('utf8').on('data', (chunk: string) => (complaint += chunk));
    watcher.on('error', (error) => refuse(error.message));
    watcher.on('exit', (code) => refuse(complaint.trim() || `exit ${code}`));
    // Kept until the bench ends, without keeping it from ending.
    for (const handle of [watcher, watcher.stdout as Socket, watcher.stderr as Socket]) handle.unref();
  }
  watching = {
    /** The stops that ended in [from, to] on the shared clock. */
    take(from, to) {
      const taken: CoreStops = [];
      for (let i = 0; i < stops.length; i += 3) if (stops[i]! >= from && stops[i]! <= to) taken.push(stops[i]!, stops[i + 1]!, stops[i + 2]!);
      return taken;
    },
  };
  return watching;
}

const NOT_WATCHED = 'not watched';

/** A core's stop for the report: 0 stands for none noted, null for cores not watched. */
export const coreStopFigure = (ms: number | null) => (ms === null ? NOT_WATCHED : ms === 0 ? `none over ${NOTED_OVER_MS} ms` : `${ms.toFixed(1)} ms`);

/** Every core's stops together: how many, the longest ("2, 13.7 ms"). */
export function coreStopsInAll(stops: CoreStops | null): string {
  if (!stops) return NOT_WATCHED;
  const lengths = stops.filter((_, i) => i % 3 === 1);
  return `${lengths.length}, ${coreStopFigure(Math.max(0, ...lengths))}`;
}

/** How often each core stopped, and for how long at most: "core 0: 2, longest 13.7 ms; core 1: 0, …". */
export function describeCoreStops(stops: CoreStops | null): string {
  if (!stops) return `${NOT_WATCHED} (--no-core-watch)`;
  const counts = new Array<number>(availableParallelism()).fill(0);
  const longest = new Array<number>(availableParallelism()).fill(0);
  for (let i = 0; i < stops.length; i += 3) {
    const [ms, core] = [stops[i + 1]!, stops[i + 2]!];
    counts[core]! += 1;
    longest[core] = Math.max(longest[core]!, ms);
  }
  return counts.map((count, core) => `core ${core}: ${count}, longest ${coreStopFigure(longest[core]!)}`).join('; ');
}
