/**
 * Why keepalive traffic lengthens V8's young-generation pauses on a large heap (issue 13,
 * BENCHMARKS.md), without a server: `npx tsx apps/server/bench/scavenge-cost.ts`.
 *
 * A server holding 19,000 sockets has ~300 MB of old objects, each socket's spread over many
 * pages. Every message read or written on a socket stores new (young) objects into that
 * socket's old ones (stream states, ws's receiver and sender), and V8 records each such slot
 * per old page. A scavenge must visit every recorded page, so its pause grows with the number
 * of distinct old pages written since the last one, not with the garbage. Here: 19,000 groups
 * of 60 old objects, interleaved across the heap as the sockets' are; garbage at ~12 MB/s as
 * the server's; and per second T "touches", each storing a young object into 8 of a group's
 * objects and clearing it again (nothing extra survives). Prints the scavenge pauses per T.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const GROUPS = 19_000;
const OBJECTS_PER_GROUP = 60;
const FIELDS_PER_TOUCH = 8;
const SECONDS = 15;

async function measure(touchesPerSecond: number) {
  const groups: Array<Array<{ young: object | null; payload: number[] }>> = Array.from({ length: GROUPS }, () => []);
  // Object j of every group before object j + 1 of any: a group's objects land on many pages.
  for (let j = 0; j < OBJECTS_PER_GROUP; j++) for (const group of groups) group.push({ young: null, payload: new Array(20).fill(j) });
  // Everything old before measuring, as a server's sockets are once connected.
  globalThis.gc!();
  globalThis.gc!();
  const pauses: number[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) pauses.push(entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let garbage: object[] = [];
  const began = Date.now();
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      for (let i = 0; i < 1200; i++) garbage.push({ i, list: [i, i, i], text: `g${i}` });
      if (garbage.length > 20_000) garbage = [];
      for (let t = 0; t < touchesPerSecond / 100; t++) {
        const group = groups[Math.floor(Math.random() * GROUPS)]!;
        for (let f = 0; f < FIELDS_PER_TOUCH; f++) {
          const object = group[Math.floor(Math.random() * OBJECTS_PER_GROUP)]!;
          object.young = { t };
          object.young = null;
        }
      }
      if (Date.now() - began > SECONDS * 1000) {
        clearInterval(tick);
        done();
      }
    }, 10);
  });
  pauses.sort((a, b) => a - b);
  const mean = pauses.reduce((sum, p) => sum + p, 0) / pauses.length;
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  return `${String(touchesPerSecond).padStart(5)} touches/s: ${pauses.length} scavenges, mean ${mean.toFixed(1)} ms, max ${pauses.at(-1)!.toFixed(1)} ms (heap ${heapMb.toFixed(0)} MB)`;
}

const rate = process.argv[2];
if (rate !== undefined) {
  process.send!(await measure(Number(rate)));
  process.exit(0);
}
// Each rate in a fresh process, one after the other, so that no run inherits another's heap.
console.log(`${GROUPS} groups of ${OBJECTS_PER_GROUP} old objects, ${FIELDS_PER_TOUCH} young stores per touch, ${SECONDS} s each`);
for (const touches of [0, 200, 1000, 3000]) {
  const child = fork(fileURLToPath(import.meta.url), [String(touches)], { execArgv: [...process.execArgv, '--expose-gc'] });
  console.log(await new Promise((resolve) => child.once('message', resolve)));
}
