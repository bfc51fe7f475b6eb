/** Figures and their printing: per-socket memory, latency percentiles, delivery accounting, load. */
import { cpus } from 'node:os';
import type { ClientLoops, ServerLoad } from './fleet.js';
import { shareOfStalls, stallFigure, type LoopStalls } from './loop-stalls.js';
import { coreStopFigure, describeCoreStops, type CoreStops } from './core-watch.js';
import type { MachineShares } from './machine.js';
import type { PublishResult } from './publisher.js';

export interface MemorySample {
  heapUsed: number;
  rss: number;
  sockets: number;
}

export interface PerSocket {
  label: string;
  sockets: number;
  heapBytes: number;
  rssBytes: number;
}

/** (after − before) / sockets, summed over server processes. */
export function perSocket(label: string, before: MemorySample[], after: MemorySample[]): PerSocket {
  const sum = (samples: MemorySample[], field: keyof MemorySample) => samples.reduce((total, s) => total + s[field], 0);
  const sockets = sum(after, 'sockets') - sum(before, 'sockets');
  return {
    label,
    sockets,
    heapBytes: (sum(after, 'heapUsed') - sum(before, 'heapUsed')) / Math.max(1, sockets),
    rssBytes: (sum(after, 'rss') - sum(before, 'rss')) / Math.max(1, sockets),
  };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface DeliveryFigures {
  expected: number;
  delivered: number;
  duplicates: number;
  missing: number;
  /** Commit (publisher.ts, publish-phase.ts) -> received by the client socket, ms, sorted. */
  commitToClient: Float64Array;
  /** Deliveries received before the publisher read their commit's acknowledgement (it read it late). */
  beforeAcknowledged: number;
  /** Deliveries received before their commit instant: every stamp of it was late (publish-phase.ts). */
  beforeCommit: number;
  /** Deliveries whose commit instant is a server's listener's stamp (no later than the other two). */
  commitFromServers: number;
  /** Deliveries whose announcement the bench's own listener did not hear (their commit instant is the ack's or a server's). */
  unheard: number;
  /** COMMIT sent by the publisher -> received: the upper bound of the same (publisher.ts), ms, sorted. */
  sentToClient: Float64Array;
  /** Transaction start -> received, ms, sorted. */
  startToClient: Float64Array;
  /** commit -> client p99 (ms) of the notifications committed in each 2-second window of the run. */
  p99ByWindow: number[];
  /**
   * NOTIFY heard at the bench's own listener -> acknowledgement read by the publisher (how late
   * the publisher stamped), and NOTIFY heard -> client, ms, sorted (when heard).
   */
  notifyToAcknowledged: Float64Array;
  notifyToClient: Float64Array;
}

const WINDOW_MS = 2_000;

/**
 * Joins deliveries (flat triples: socket, key, time) with the publish log. `socketsOf(key)`
 * lists the sockets that should receive notification `key`.
 */
export function accountDeliveries(
  published: PublishResult,
  acknowledgedAt: Float64Array,
  deliveries: number[][],
  socketsOf: (key: number) => number[],
  notifiedAt: (key: number) => number | undefined,
  serversHeardAt: (key: number) => number | undefined,
): DeliveryFigures {
  const seen = new Set<string>();
  const commitToClient: number[] = [];
  const sentToClient: number[] = [];
  const startToClient: number[] = [];
  const windows: number[][] = [];
  const notifyToAcknowledged: number[] = [];
  let beforeAcknowledged = 0;
  let unheard = 0;
  let commitFromServers = 0;
  const notifyToClient: number[] = [];
  let duplicates = 0;
  for (const triples of deliveries) {
    for (let i = 0; i < triples.length; i += 3) {
      const [socket, key, receivedAt] = [triples[i]!, triples[i + 1]!, triples[i + 2]!];
      const id = `${key}:${socket}`;
      if (seen.has(id)) duplicates++;
      seen.add(id);
      const latency = receivedAt - published.commitAt[key]!;
      commitToClient.push(latency);
      if (receivedAt < acknowledgedAt[key]!) beforeAcknowledged++;
      sentToClient.push(receivedAt - published.commitSentAt[key]!);
      startToClient.push(receivedAt - published.startAt[key]!);
      const notified = notifiedAt(key);
      if (notified !== undefined) {
        notifyToAcknowledged.push(acknowledgedAt[key]! - notified);
        notifyToClient.push(receivedAt - notified);
      } else unheard++;
      if (serversHeardAt(key) === published.commitAt[key]) commitFromServers++;
      const window = Math.floor((published.commitAt[key]! - published.startAt[0]!) / WINDOW_MS);
      (windows[window] ??= []).push(latency);
    }
  }
  let expected = 0;
  let missing = 0;
  for (let key = 0; key < published.issued; key++) {
    if (Number.isNaN(published.commitAt[key])) continue;
    for (const socket of socketsOf(key)) {
      expected++;
      if (!seen.has(`${key}:${socket}`)) missing++;
    }
  }
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  return {
    expected,
    delivered: seen.size,
    duplicates,
    missing,
    commitToClient: sorted(commitToClient),
    beforeAcknowledged,
    beforeCommit: commitToClient.filter((latency) => latency < 0).length,
    unheard,
    commitFromServers,
    sentToClient: sorted(sentToClient),
    startToClient: sorted(startToClient),
    p99ByWindow: Array.from(windows, (values) => percentile(sorted(values ?? []), 99)),
    notifyToAcknowledged: sorted(notifyToAcknowledged),
    notifyToClient: sorted(notifyToClient),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

export function printPerSocket(rows: PerSocket[]): void {
  console.log('\nMemory per socket (gc\'d heap after - before, / sockets; RSS likewise):');
  for (const row of rows) {
    console.log(`  ${row.label.padEnd(44)} ${String(row.sockets).padStart(6)} sockets   heap ${kb(row.heapBytes).padStart(9)}   RSS ${kb(row.rssBytes).padStart(9)}`);
  }
}

export function printDelivery(published: PublishResult, figures: DeliveryFigures, plan: { rate: number; durationMs: number }): void {
  const committed = published.issued - published.failed;
  console.log('\nNotifications:');
  console.log(`  target rate              ${plan.rate}/s for ${(plan.durationMs / 1000).toFixed(0)} s`);
  console.log(`  committed                ${committed} (${published.failed} failed${published.firstError ? `: ${published.firstError}` : ''})`);
  console.log(`  achieved                 ${((committed * 1000) / published.elapsedMs).toFixed(0)}/s  (publisher throttled by its in-flight cap on ${published.throttled} ticks)`);
  console.log(`  delivered / expected     ${figures.delivered} / ${figures.expected}  (missing ${figures.missing}, duplicates ${figures.duplicates})`);
  const line = (label: string, values: Float64Array) =>
    console.log(`  ${label.padEnd(24)} min ${ms(values[0] ?? Number.NaN)}   p50 ${ms(percentile(values, 50))}   p99 ${ms(percentile(values, 99))}   max ${ms(values.at(-1) ?? Number.NaN)}`);
  line('commit -> client', figures.commitToClient);
  line('  from COMMIT sent', figures.sentToClient);
  line('tx start -> client', figures.startToClient);
  line('  NOTIFY heard -> client', figures.notifyToClient);
  line('  NOTIFY heard -> ack', figures.notifyToAcknowledged);
  console.log(
    `    (commit: the earliest of the two and a server's listener hearing it, which was for ${figures.commitFromServers}; ` +
      `${figures.beforeAcknowledged} received before the publisher read the acknowledgement, ${figures.beforeCommit} before any stamp; ${figures.unheard} not heard by the bench's listener)`,
  );
  console.log(`  commit -> client p99 per ${WINDOW_MS / 1000} s of publishing: ${figures.p99ByWindow.map((p) => p.toFixed(0)).join(' ')} ms`);
}

export interface LoadFigures {
  servers: ServerLoad[];
  /** How busy all cores were while publishing, and what the hypervisor took (null off Linux). */
  machine: MachineShares | null;
  /** Share of a core the publishing process used. */
  publisherShare: number;
  /** The publisher's event-loop delay while publishing: how late a commit could be stamped. */
  publisherLoopDelay: { p99Ms: number; maxMs: number };
  /** The publisher's loop stalls meanwhile, to tell a stop of the machine from a server's stall. */
  publisherStalls: LoopStalls;
  /** Each core's stops meanwhile (core-watch.ts), for the same; null: the cores were not watched. */
  coreStops: CoreStops | null;
  /** Client keepalive PINGs sent while publishing. */
  pings: number;
  /** The host's speed just before publishing and once the deliveries were in (machine.ts `hostSpeed`, µs). */
  hostSpeedUs: { before: number; after: number };
  /** The load generators' worst event-loop delay meanwhile: their own stalls delay the timestamps. */
  clientLoop: ClientLoops;
}

export function printLoad(load: LoadFigures, elapsedMs: number): void {
  const timing = (t: { p50Ms: number; p99Ms: number; maxMs: number }) =>
    `p50 ${ms(t.p50Ms)}, p99 ${ms(t.p99Ms)}, max ${ms(t.maxMs)}`;
  load.servers.forEach((server, i) => {
    const { gc } = server;
    const waited = server.waitedMs && `; ready but waiting for a core: its loop ${server.waitedMs.main.toFixed(0)} ms, its helper threads ${server.waitedMs.helpers.toFixed(0)} ms`;
    console.log(`  server-${i}: ${(server.cpuShare * 100).toFixed(0)}% of a core while publishing${waited ?? ''}`);
    console.log(
      `    event-loop delay p99 ${ms(server.loopDelayP99Ms)}, max ${ms(server.loopDelayMaxMs)}; ${gc.count} GC pauses, ` +
        `${gc.totalMs.toFixed(0)} ms in all (${gc.major} major, ${gc.majorMs.toFixed(0)} ms), longest ${ms(gc.maxMs)}`,
    );
    const { longest, aloneMs } = shareOfStalls(server.loopStalls, load.publisherStalls, load.clientLoop.stalls, load.coreStops);
    const together = longest.generatorsMs.filter((g) => g > 0);
    console.log(
      `    longest loop stall ${stallFigure(longest.ms)}${longest.ms ? ` (ended ${(longest.end / 1000).toFixed(3)} s on CLOCK_MONOTONIC; its threads ran ${longest.cpuMs.toFixed(1)} ms meanwhile)` : ''}, at the same moment the publisher's ${stallFigure(longest.publisherMs)}, ` +
        `${together.length} of ${longest.generatorsMs.length} generators' (longest ${stallFigure(Math.max(0, ...together))}) and a core's stop ${coreStopFigure(longest.coreMs)}; ` +
        `longest of its own (not a stop of the machine or of a core): ${stallFigure(aloneMs)}`,
    );
    if (server.dbProbes) {
      console.log(`    'select 1' through its pool: ${timing(server.dbProbes.pool)}; over a connection of its own: ${timing(server.dbProbes.direct)}`);
    }
  });
  const publisherLoop = load.publisherLoopDelay;
  console.log(`  publisher (this process): ${(load.publisherShare * 100).toFixed(0)}% of a core; event-loop delay p99 ${ms(publisherLoop.p99Ms)}, max ${ms(publisherLoop.maxMs)}`);
  console.log(`  load generators: event-loop delay p99 ${ms(load.clientLoop.p99Ms)}, max ${ms(load.clientLoop.maxMs)} (worst process)`);
  console.log(`  keepalive: clients sent ${load.pings} PINGs meanwhile (${((load.pings * 1000) / elapsedMs).toFixed(0)}/s), each answered by a PONG`);
  if (load.machine) {
    console.log(`  the whole machine (every process, ${cpus().length} cores) was ${(load.machine.busy * 100).toFixed(0)}% busy meanwhile, ${(load.machine.stolen * 100).toFixed(0)}% stolen by the hypervisor`);
  }
  console.log(`  cores stopped (a thread above everything woke late; core-watch.ts): ${describeCoreStops(load.coreStops)}`);
  const speed = load.hostSpeedUs;
  console.log(`  the host ran a fixed piece of work in ${speed.before.toFixed(0)} µs before publishing, ${speed.after.toFixed(0)} µs after (fastest of 20)`);
}
