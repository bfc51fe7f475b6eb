/**
 * What the slowest deliveries of a phase waited behind: for each delivery at or above the phase's
 * p99, whether a GC pause of a server, or of the load generator that received it, fell inside its
 * commit -> client interval, and how its time splits at the moment the server handed it to the
 * socket (`ws` send): the server's part (commit -> handed) and the way to the client's loop
 * (handed -> received: the kernel, scheduling, the generator). Pauses are timed by each process's
 * own `gc` performance entries on the shared clock (clock.ts), as commits, hand-overs and receipts are.
 */
import type { PublishResult } from './publisher.js';
import { percentile } from './report.js';

export interface TailCauses {
  /** The phase's commit -> client p99: deliveries at or above it are the tail. */
  thresholdMs: number;
  slow: number;
  /** Tail deliveries with a server GC pause inside their interval (whatever else). */
  serverGc: number;
  /** With a GC pause of their own load generator inside, and no server pause. */
  generatorGcOnly: number;
  neither: number;
  /** Share of all deliveries with a server GC pause inside: what the tail's share compares with. */
  serverGcShareOfAll: number;
  /** Medians of commit -> handed and handed -> received, ms: of the tail, and of all deliveries. */
  split: { tail: { serverMs: number; clientMs: number }; all: { serverMs: number; clientMs: number } };
  /**
   * The server's part split at the hub's read of the event (medians, ms, of the deliveries the
   * hub read; those it had from their announcement have no read): commit -> read sent, the
   * read, rows back -> handed.
   */
  hubRead: Record<'tail' | 'all', { read: number; beforeMs: number; readMs: number; afterMs: number }>;
  /**
   * The server's part split where its listener heard the announcement (medians, ms, of the
   * deliveries it stamped): commit -> heard (PostgreSQL, the kernel, the server's loop getting to
   * the listener's socket) and heard -> handed (the hub and tRPC).
   */
  heard: Record<'tail' | 'all', { heard: number; toHeardMs: number; toHandedMs: number }>;
  /**
   * p99 of every delivery's commit -> handed: the server's part alone, without the way to the
   * client's loop, which the load generators' own waits for a core lengthen.
   */
  serverPartP99Ms: number;
  /**
   * The tail itself, flat quadruples on the shared clock (CLOCK_MONOTONIC, ms): committed, handed
   * (NaN: not stamped), received, and the load generator's index; to hold against a kernel trace.
   */
  deliveries: number[];
}

const median = (values: number[]) => percentile(Float64Array.from(values).sort(), 50);

/** The parts of deliveries the hub read (ms): commit -> read sent, the read, rows back -> handed. */
const readSplit = () => ({ before: [] as number[], read: [] as number[], after: [] as number[] });
const readMedians = (split: ReturnType<typeof readSplit>) => ({
  read: split.read.length,
  beforeMs: median(split.before),
  readMs: median(split.read),
  afterMs: median(split.after),
});

const heardSplit = () => ({ toHeard: [] as number[], toHanded: [] as number[] });
const heardMedians = (split: ReturnType<typeof heardSplit>) => ({
  heard: split.toHeard.length,
  toHeardMs: median(split.toHeard),
  toHandedMs: median(split.toHanded),
});

/** Whether any pause (flat pairs: start, duration) overlaps [from, to]. */
function overlaps(pauses: number[], from: number, to: number): boolean {
  for (let i = 0; i < pauses.length; i += 2) {
    if (pauses[i]! <= to && pauses[i]! + pauses[i + 1]! >= from) return true;
  }
  return false;
}

/**
 * `deliveries`: per generator, flat triples (socket, key, receive time); `generatorPauses` in the
 * same order; `serverPauses`: every server's pauses together; `handedAt`: key -> when a server
 * handed it to a socket.
 */
export function tailCauses(
  published: PublishResult,
  deliveries: number[][],
  serverPauses: number[],
  generatorPauses: number[][],
  handedAt: Map<number, number>,
  commitToClient: Float64Array,
  hubReadOf: (key: number) => { sentAt: number; backAt: number } | undefined,
  serverHeardOf: (key: number) => number | undefined,
): TailCauses {
  const thresholdMs = percentile(commitToClient, 99);
  const counts = { slow: 0, serverGc: 0, generatorGcOnly: 0, neither: 0 };
  const parts = { tail: { server: [] as number[], client: [] as number[] }, all: { server: [] as number[], client: [] as number[] } };
  const readParts = { tail: readSplit(), all: readSplit() };
  const heardParts = { tail: heardSplit(), all: heardSplit() };
  let allWithServerGc = 0;
  const tail: number[] = [];
  deliveries.forEach((triples, generator) => {
    for (let i = 0; i < triples.length; i += 3) {
      const [key, receivedAt] = [triples[i + 1]!, triples[i + 2]!];
      const committedAt = published.commitAt[key]!;
      const handed = handedAt.get(key);
      const serverGc = overlaps(serverPauses, committedAt, receivedAt);
      if (serverGc) allWithServerGc++;
      const slow = receivedAt - committedAt >= thresholdMs;
      const read = hubReadOf(key);
      if (handed !== undefined && read) {
        for (const into of slow ? [readParts.all, readParts.tail] : [readParts.all]) {
          into.before.push(read.sentAt - committedAt);
          into.read.push(read.backAt - read.sentAt);
          into.after.push(handed - read.backAt);
        }
      }
      const heard = serverHeardOf(key);
      if (handed !== undefined && heard !== undefined) {
        for (const into of slow ? [heardParts.all, heardParts.tail] : [heardParts.all]) {
          into.toHeard.push(heard - committedAt);
          into.toHanded.push(handed - heard);
        }
      }
      if (handed !== undefined) {
        parts.all.server.push(handed - committedAt);
        parts.all.client.push(receivedAt - handed);
        if (slow) {
          parts.tail.server.push(handed - committedAt);
          parts.tail.client.push(receivedAt - handed);
        }
      }
      if (!slow) continue;
      tail.push(committedAt, handed ?? Number.NaN, receivedAt, generator);
      counts.slow++;
      if (serverGc) counts.serverGc++;
      else if (overlaps(generatorPauses[generator] ?? [], committedAt, receivedAt)) counts.generatorGcOnly++;
      else counts.neither++;
    }
  });
  const all = parts.all.server.length;
  const serverAll = Float64Array.from(parts.all.server).sort();
  return {
    thresholdMs,
    ...counts,
    serverGcShareOfAll: all === 0 ? 0 : allWithServerGc / all,
    serverPartP99Ms: percentile(serverAll, 99),
    deliveries: tail,
    split: {
      tail: { serverMs: median(parts.tail.server), clientMs: median(parts.tail.client) },
      all: { serverMs: percentile(serverAll, 50), clientMs: median(parts.all.client) },
    },
    hubRead: { tail: readMedians(readParts.tail), all: readMedians(readParts.all) },
    heard: { tail: heardMedians(heardParts.tail), all: heardMedians(heardParts.all) },
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export const hubReadSplit = (split: TailCauses['hubRead']['all']) =>
  split.read === 0 ? 'none read' : `${ms(split.beforeMs)} / ${ms(split.readMs)} / ${ms(split.afterMs)} (${split.read} read)`;

export const listenerSplit = (split: TailCauses['heard']['all']) =>
  split.heard === 0 ? 'none stamped' : `${ms(split.toHeardMs)} / ${ms(split.toHandedMs)} (${split.heard} stamped)`;

export function describeTailCauses(causes: TailCauses): string {
  const { slow, serverGc, generatorGcOnly, neither } = causes;
  return (
    `${slow} at or over p99 (${causes.thresholdMs.toFixed(1)} ms): ${serverGc} spanned a server GC pause, ` +
    `${generatorGcOnly} only one of their load generator's, ${neither} neither ` +
    `(of all deliveries, ${(causes.serverGcShareOfAll * 100).toFixed(1)}% spanned a server GC pause); ` +
    `medians commit -> handed to the socket / handed -> received: tail ${ms(causes.split.tail.serverMs)} / ${ms(causes.split.tail.clientMs)}, ` +
    `all ${ms(causes.split.all.serverMs)} / ${ms(causes.split.all.clientMs)}; ` +
    `of those the hub read (not carried by their announcement), medians commit -> read sent / the read / rows back -> handed: ` +
    `tail ${hubReadSplit(causes.hubRead.tail)}, all ${hubReadSplit(causes.hubRead.all)}; ` +
    `split where the server's listener heard them, medians commit -> heard / heard -> handed: ` +
    `tail ${listenerSplit(causes.heard.tail)}, all ${listenerSplit(causes.heard.all)}`
  );
}
