/**
 * Where a server's event loop was held: reads a `.cpuprofile` (`--cpu-prof DIR`) and prints every
 * stretch of more than `--over` ms (15 by default) without an idle sample, with what its samples
 * were spent in (the sampled function, or GC / program / a gap in which the process did not run).
 *
 *   npx tsx apps/server/bench/stalls.ts DIR/server-0-19000-sockets.cpuprofile [--over 15]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A sample longer than this (µs) means the process was not running: the profiler's own tick is 1 ms. */
const GAP_US = 5_000;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { over: { type: 'string', default: '15' } } });
const overUs = Number(values.over) * 1000;
if (positionals.length !== 1 || !(overUs > 0)) {
  console.error('usage: stalls.ts FILE.cpuprofile [--over MS]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;

const names = new Map<number, string>();
for (const { id, callFrame: frame } of profile.nodes) {
  const file = frame.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(apps|packages)\//, '$1/');
  names.set(id, frame.url ? `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}` : frame.functionName);
}

// Each sample's duration is the delta to the next one.
const samples = profile.samples.map((node, i) => ({ name: names.get(node)!, at: 0, us: profile.timeDeltas[i + 1] ?? 0 }));
let clock = 0;
for (const [i, sample] of samples.entries()) sample.at = clock += profile.timeDeltas[i]!;

interface Stretch { startUs: number; us: number; spent: Map<string, number> }
const stretches: Stretch[] = [];
let current: Stretch | null = null;
for (const sample of samples) {
  if (sample.name === '(idle)') {
    if (current && current.us > overUs) stretches.push(current);
    current = null;
    continue;
  }
  current ??= { startUs: sample.at, us: 0, spent: new Map() };
  const what = sample.us > GAP_US ? '(not running)' : sample.name;
  current.us += sample.us;
  current.spent.set(what, (current.spent.get(what) ?? 0) + sample.us);
}
if (current && current.us > overUs) stretches.push(current);

const ms = (us: number) => (us / 1000).toFixed(1);
const total = new Map<string, number>();
console.log(`${stretches.length} stretches of more than ${values.over} ms without an idle sample, ${ms(clock)} ms profiled`);
for (const stretch of stretches) {
  const top = [...stretch.spent].sort((a, b) => b[1] - a[1]);
  console.log(`at ${ms(stretch.startUs)} ms: ${ms(stretch.us)} ms`);
  for (const [what, us] of top.slice(0, 6)) console.log(`    ${ms(us).padStart(6)} ms  ${what}`);
  for (const [what, us] of top) total.set(what, (total.get(what) ?? 0) + us);
}
console.log('in all stretches:');
for (const [what, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${ms(us).padStart(7)} ms  ${what}`);
