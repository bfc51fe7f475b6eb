/** Printing of bench/tail.ts: each phase, the two socket counts side by side, the rate search. */
import type { ServerLoad } from './fleet.js';
import { shareOfStalls, stallFigure } from './loop-stalls.js';
import { coreStopsInAll } from './core-watch.js';
import type { BenchOptions } from './options.js';
import type { PhaseResult } from './publish-phase.js';
import { percentile, printDelivery, printLoad } from './report.js';
import { describeTailCauses, hubReadSplit, listenerSplit } from './tail-causes.js';

export interface RateStep {
  phase: PhaseResult;
  /** Why the phase missed the target; null when it met it. */
  reason: string | null;
}

export interface RateSearch {
  targetMs: number;
  steps: RateStep[];
  /** Highest rate tried that met the target (0: none did). */
  highest: number;
  /** Lowest rate tried that missed it (null: none did, up to --max-rate). */
  over: number | null;
}

const BLOCKS = '▁▂▃▄▅▆▇█';
const WINDOW_S = 2;

/** One block per value, scaled to `max` (the top block); a gap for a window without deliveries. */
export function sparkline(values: number[], max: number): string {
  return values
    .map((value) => (Number.isNaN(value) ? ' ' : BLOCKS[Math.min(7, Math.max(0, Math.ceil((value / max) * 8) - 1))] ?? BLOCKS[0]))
    .join('');
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const maxOf = (values: number[]) => values.reduce((max, value) => (value > max ? value : max), 0);
const sockets = (phase: PhaseResult, devicesPerUser: number) => phase.plan.recipients.length * devicesPerUser;
/** The machine's busy share, with what the hypervisor took of it: "61% (4%)". */
const machineFigure = ({ machine }: PhaseResult['load']) =>
  machine === null ? 'n/a' : `${(machine.busy * 100).toFixed(0)}% (${(machine.stolen * 100).toFixed(0)}%)`;
const achieved = ({ published }: PhaseResult) => ((published.issued - published.failed) * 1000) / published.elapsedMs;

/** The worst server's figures (the only one's, with one instance); GC pauses summed. */
function worstServer({ servers: loads, publisherStalls, clientLoop, coreStops }: PhaseResult['load']) {
  return {
    loopStallAlone: maxOf(loads.map((l) => shareOfStalls(l.loopStalls, publisherStalls, clientLoop.stalls, coreStops).aloneMs)),
    cpuShare: maxOf(loads.map((l) => l.cpuShare)),
    loopP99: maxOf(loads.map((l) => l.loopDelayP99Ms)),
    loopMax: maxOf(loads.map((l) => l.loopDelayMaxMs)),
    gcCount: loads.reduce((sum, l) => sum + l.gc.count, 0),
    gcMs: loads.reduce((sum, l) => sum + l.gc.totalMs, 0),
    gcMax: maxOf(loads.map((l) => l.gc.maxMs)),
    waited: waitedOf(loads),
  };
}

/** The longest run-queue waits of any server's loop and of any server's helper threads; null off Linux. */
function waitedOf(loads: ServerLoad[]) {
  const waits = loads.map((l) => l.waitedMs);
  if (waits.some((w) => w === null)) return null;
  return { main: maxOf(waits.map((w) => w!.main)), helpers: maxOf(waits.map((w) => w!.helpers)) };
}

/** The load generators' GC pauses together: how many, their sum, the longest. */
function generatorGc(gcAt: number[][]): string {
  const durations = gcAt.flatMap((pairs) => pairs.filter((_, i) => i % 2 === 1));
  return `${durations.length}, ${durations.reduce((sum, d) => sum + d, 0).toFixed(0)} ms, ${ms(maxOf(durations))}`;
}

/** A phase in full, as the default run prints its one phase. */
export function printPhase(phase: PhaseResult): void {
  console.log(`\n--- ${phase.plan.label}: ${phase.plan.recipients.length} users receiving ---`);
  printDelivery(phase.published, phase.figures, phase.plan);
  printLoad(phase.load, phase.published.elapsedMs);
  console.log(`  tail: ${describeTailCauses(phase.tail)}`);
  if (phase.latecomers > 0) console.log(`  deliveries of an earlier phase that arrived meanwhile: ${phase.latecomers}`);
}

export function printComparison([small, full]: [PhaseResult, PhaseResult], options: BenchOptions): void {
  type Side = { phase: PhaseResult; server: ReturnType<typeof worstServer> };
  const side = (phase: PhaseResult): Side => ({ phase, server: worstServer(phase.load) });
  const sides = [side(small), side(full)] as const;
  const servers = options.instances > 1 ? ' (worst server)' : '';
  const [labelWidth, width] = [37 + servers.length, 30];
  const row = (label: string, value: (side: Side) => string, ratioOf?: (side: Side) => number) => {
    const ratio = ratioOf ? `${(ratioOf(sides[1]) / ratioOf(sides[0])).toFixed(2)}x` : '';
    console.log(`  ${label.padEnd(labelWidth)}${value(sides[0]).padEnd(width)}${value(sides[1]).padEnd(width)}${ratio}`);
  };
  const latency = (p: number) => (side: Side) => percentile(side.phase.figures.commitToClient, p);
  console.log(`\nSame rate at two socket counts: ${options.rate}/s for ${options.durationMs / 1000} s each, ${options.maxInFlight} transactions in flight`);
  console.log(`  ${''.padEnd(labelWidth)}${sides.map((s) => `${sockets(s.phase, options.devicesPerUser)} sockets`.padEnd(width)).join('')}full / small`);
  row('achieved', (s) => `${achieved(s.phase).toFixed(0)}/s`);
  row('delivered / expected', (s) => `${s.phase.figures.delivered} / ${s.phase.figures.expected}`);
  row('missing, doubled', (s) => `${s.phase.figures.missing}, ${s.phase.figures.duplicates}`);
  row('commit -> client p50', (s) => ms(latency(50)(s)), latency(50));
  row('commit -> client p99', (s) => ms(latency(99)(s)), latency(99));
  row('from COMMIT sent: p99', (s) => ms(percentile(s.phase.figures.sentToClient, 99)), (s) => percentile(s.phase.figures.sentToClient, 99));
  row('commit -> handed p99 (server)', (s) => ms(s.phase.tail.serverPartP99Ms), (s) => s.phase.tail.serverPartP99Ms);
  row('commit -> client max', (s) => ms(s.phase.figures.commitToClient.at(-1) ?? Number.NaN), (s) => s.phase.figures.commitToClient.at(-1) ?? Number.NaN);
  row(`event-loop delay p99${servers}`, (s) => ms(s.server.loopP99), (s) => s.server.loopP99);
  row(`event-loop delay max${servers}`, (s) => ms(s.server.loopMax), (s) => s.server.loopMax);
  row(`  longest stall of its own${servers}`, (s) => stallFigure(s.server.loopStallAlone));
  row('  a core stopped: times, longest', (s) => coreStopsInAll(s.phase.load.coreStops));
  row('GC pauses, in all, longest', (s) => `${s.server.gcCount}, ${s.server.gcMs.toFixed(0)} ms, ${ms(s.server.gcMax)}`, (s) => s.server.gcMs);
  row(`server CPU${servers}`, (s) => `${(s.server.cpuShare * 100).toFixed(0)}% of a core`, (s) => s.server.cpuShare);
  row(`server waited for a core${servers}`, (s) => (s.server.waited ? `loop ${s.server.waited.main.toFixed(0)} ms, helpers ${s.server.waited.helpers.toFixed(0)} ms` : 'n/a'), (s) => s.server.waited?.main ?? Number.NaN);
  row('machine busy (stolen)', (s) => machineFigure(s.phase.load));
  row('host: fixed work before, after', (s) => `${s.phase.load.hostSpeedUs.before.toFixed(0)} µs, ${s.phase.load.hostSpeedUs.after.toFixed(0)} µs`, (s) => s.phase.load.hostSpeedUs.before + s.phase.load.hostSpeedUs.after);
  row('publisher: loop delay p99, max', (s) => `${ms(s.phase.load.publisherLoopDelay.p99Ms)}, ${ms(s.phase.load.publisherLoopDelay.maxMs)}`);
  row('received before the ack was read', (s) => String(s.phase.figures.beforeAcknowledged));
  row('commit stamped by a server', (s) => String(s.phase.figures.commitFromServers));
  row('load generators: GC, longest', (s) => generatorGc(s.phase.load.clientLoop.gcAt));
  row('load generators: loop delay max', (s) => ms(s.phase.load.clientLoop.maxMs), (s) => s.phase.load.clientLoop.maxMs);
  row('load generators: waited, worst', (s) => (s.phase.load.clientLoop.waitedMs === null ? 'n/a' : `loop ${s.phase.load.clientLoop.waitedMs.toFixed(0)} ms`), (s) => s.phase.load.clientLoop.waitedMs ?? Number.NaN);
  row('tail spanning a server GC', (s) => `${s.phase.tail.serverGc} of ${s.phase.tail.slow}`);
  row('tail spanning a generator GC', (s) => `${s.phase.tail.generatorGcOnly} of ${s.phase.tail.slow}`);
  row('tail median: server / to client', (s) => `${ms(s.phase.tail.split.tail.serverMs)} / ${ms(s.phase.tail.split.tail.clientMs)}`);
  row('  hub read: to / read / to handed', (s) => hubReadSplit(s.phase.tail.hubRead.tail));
  row('  listener: to heard / to handed', (s) => listenerSplit(s.phase.tail.heard.tail));
  row('keepalive PINGs', (s) => `${((s.phase.load.pings * 1000) / s.phase.published.elapsedMs).toFixed(0)}/s`);
  const p99s = sides.map((s) => s.phase.figures.p99ByWindow);
  const scale = maxOf(p99s.flat());
  console.log(`  commit -> client p99 per ${WINDOW_S} s window, both scaled to ${ms(scale)} (${BLOCKS.at(-1)}):`);
  sides.forEach((side, i) => {
    const label = `${sockets(side.phase, options.devicesPerUser)} sockets`;
    console.log(`    ${label.padEnd(15)} ${sparkline(p99s[i]!, scale)}  max ${ms(maxOf(p99s[i]!))}  (${p99s[i]!.map((p) => p.toFixed(0)).join(' ')} ms)`);
  });
  console.log(`  p99 at ${sockets(full, options.devicesPerUser)} sockets / p99 at ${sockets(small, options.devicesPerUser)}: ${(latency(99)(sides[1]) / latency(99)(sides[0])).toFixed(2)}x`);
}

export function printRateSearch(search: RateSearch, heldSockets: number, options: BenchOptions): void {
  console.log(`\nRate search at ${heldSockets} sockets: the highest rate with commit -> client p99 under ${search.targetMs} ms (${options.durationMs / 1000} s per step, ${options.maxInFlight} in flight)`);
  const header = ['rate', 'achieved', 'delivered', 'p50', 'p99', 'max', 'loop p99', 'loop max', 'GC n, ms', 'CPU', 'machine (stolen)'];
  const widths = [8, 9, 14, 9, 9, 9, 9, 9, 11, 5, 16];
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' ');
  console.log(`  ${line(header)} p99 per ${WINDOW_S} s (${BLOCKS.at(-1)}: the target, or the step's max above it), max`);
  for (const { phase, reason } of search.steps) {
    const { figures } = phase;
    const server = worstServer(phase.load);
    const machine = machineFigure(phase.load);
    const windows = figures.p99ByWindow;
    console.log(
      `  ${line([
        `${phase.plan.rate}/s`,
        `${achieved(phase).toFixed(0)}/s`,
        `${figures.delivered}/${figures.expected}`,
        ms(percentile(figures.commitToClient, 50)),
        ms(percentile(figures.commitToClient, 99)),
        ms(figures.commitToClient.at(-1) ?? Number.NaN),
        ms(server.loopP99),
        ms(server.loopMax),
        `${server.gcCount}, ${server.gcMs.toFixed(0)}`,
        `${(server.cpuShare * 100).toFixed(0)}%`,
        machine,
      ])} ${sparkline(windows, Math.max(search.targetMs, maxOf(windows)))} ${ms(maxOf(windows))}  ${reason === null ? 'under' : `over: ${reason}`}`,
    );
  }
  const next = search.over === null ? `none over it up to ${options.maxRate}/s` : `${search.over}/s was not`;
  const highest = search.highest === 0 ? 'none of the rates tried' : `${search.highest}/s`;
  console.log(`  highest rate under ${search.targetMs} ms: ${highest} (${next})`);
}
