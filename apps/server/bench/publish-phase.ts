/**
 * One publishing phase: targeted notifications at a fixed rate, every delivery awaited and
 * accounted for, and what the servers, the publisher and the machine spent meanwhile. Several
 * phases may run on the same sockets (bench/tail.ts): each publishes keys of its own
 * (`PhaseLedger.nextKey` on) and accounts only for those; deliveries of an earlier phase's
 * keys that arrive late are counted apart, never as this phase's.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DB } from '@pms/db';
import { lookUpArrivals } from './announcements.js';
import type { Child } from './children.js';
import type { Fleet } from './fleet.js';
import { log } from './log.js';
import { watchLoopStalls } from './loop-stalls.js';
import { coreWatch } from './core-watch.js';
import { clockNow } from './clock.js';
import { hostSpeed, machineBusy } from './machine.js';
import { startNotifyProbe } from './notify-probe.js';
import type { BenchOptions } from './options.js';
import { publishAtRate, type PublishResult } from './publisher.js';
import { accountDeliveries, type DeliveryFigures, type LoadFigures } from './report.js';
import { tailCauses, type TailCauses } from './tail-causes.js';

export const TTL_DAYS = 30;

export interface PhasePlan {
  rate: number;
  durationMs: number;
  /**
   * Users receiving, one notification each in turn, in the order of their devices: recipient r's
   * sockets are r * devicesPerUser ... + devicesPerUser - 1, so they must be a prefix of the users.
   */
  recipients: number[];
  /** Written into the log line and the CPU profiles' names (`--cpu-prof`); none for the default run. */
  label?: string;
}

export interface PhaseResult {
  plan: PhasePlan;
  published: PublishResult;
  figures: DeliveryFigures;
  load: LoadFigures;
  /** What the slowest deliveries waited behind. */
  tail: TailCauses;
  /** Deliveries of earlier phases' notifications that arrived during this one. */
  latecomers: number;
}

/** What earlier phases published: where the next phase's keys start, and each user's stream head. */
export class PhaseLedger {
  nextKey = 0;
  readonly #heads = new Map<number, number>();

  headOf(userId: number): number {
    return this.#heads.get(userId) ?? 0;
  }

  /** Each committed notification appended one event to its recipient's stream. */
  record(published: PublishResult, recipients: number[]): void {
    for (let key = 0; key < published.issued; key++) {
      if (Number.isNaN(published.commitAt[key])) continue;
      const user = recipients[key % recipients.length]!;
      this.#heads.set(user, this.headOf(user) + 1);
    }
    this.nextKey += published.issued;
  }
}

/** This phase's deliveries with its keys made 0-based again; the rest counted as latecomers. */
function phaseDeliveries(deliveries: number[][], keyOffset: number, issued: number) {
  let latecomers = 0;
  const own = deliveries.map((triples) => {
    const kept: number[] = [];
    for (let i = 0; i < triples.length; i += 3) {
      const key = triples[i + 1]! - keyOffset;
      if (key >= 0 && key < issued) kept.push(triples[i]!, key, triples[i + 2]!);
      else latecomers++;
    }
    return kept;
  });
  return { own, latecomers };
}

export async function publishPhase(
  fleet: Fleet,
  db: DB,
  databaseUrl: string,
  servers: Child[],
  options: BenchOptions,
  plan: PhasePlan,
  ledger = new PhaseLedger(),
): Promise<PhaseResult> {
  const { recipients } = plan;
  const profileSuffix = plan.label ? `-${plan.label}` : '';
  await fleet.profile(servers, 'start', options.cpuProfileDir, profileSuffix);
  const cores = options.watchCores ? coreWatch() : null; // started with the first phase (a warm-up), before its window opens
  await fleet.collectClientGarbage();
  await fleet.loadOf(servers);
  const clientsBefore = await fleet.clientStats();
  await fleet.clientLoops();
  const [pingsBefore, receivedBefore] = [clientsBefore.total('pings'), clientsBefore.total('received')];
  const probe = await startNotifyProbe(databaseUrl, options.serverPriority);
  const speedBefore = hostSpeed();
  const busy = machineBusy();
  const publisherCpu = { cpu: process.cpuUsage(), at: performance.now() };
  // How late this process's loop ran while it stamped commits: an acknowledgement read late is stamped late (publisher.ts).
  const publisherLoop = monitorEventLoopDelay({ resolution: 1 });
  const publisherStalls = watchLoopStalls();
  log(`publishing ${plan.rate}/s for ${plan.durationMs / 1000} s${plan.label ? ` (${plan.label}: to ${recipients.length} users)` : ''}`);
  const keyOffset = ledger.nextKey;
  const publishing = { from: 0, to: 0 };
  let published: PublishResult;
  try {
    await fleet.publishingStarts(servers, [probe.backendPid]);
    publisherLoop.enable();
    publishing.from = clockNow();
    published = await publishAtRate(db, { ...options, ...plan, keyOffset, ttlDays: TTL_DAYS });
    publishing.to = clockNow();
    publisherLoop.disable();
    publisherStalls.stop();
    await fleet.awaitDeliveries(receivedBefore + (published.issued - published.failed) * options.devicesPerUser);
  } finally {
    await fleet.publishingEnds();
  }

  const hostSpeedUs = { before: speedBefore, after: hostSpeed() };
  const pings = (await fleet.clientStats()).total('pings') - pingsBefore;
  const clientLoop = await fleet.clientLoops();
  const serverLoads = await fleet.loadOf(servers);
  const machine = busy();
  const publisherUsage = process.cpuUsage(publisherCpu.cpu);
  const publisherShare = (publisherUsage.user + publisherUsage.system) / 1000 / (performance.now() - publisherCpu.at);
  const publisherLoopDelay = { p99Ms: publisherLoop.percentile(99) / 1e6, maxMs: publisherLoop.max / 1e6 };
  await fleet.profile(servers, 'stop', options.cpuProfileDir, profileSuffix);

  // Each user's stream grows by one event per notification, so key -> (recipient, seq) is known.
  const byKey = (arrivals: (userId: number, seq: number) => number | undefined) => (key: number) => {
    const user = recipients[key % recipients.length]!;
    return arrivals(user, ledger.headOf(user) + Math.floor(key / recipients.length) + 1);
  };
  const heard = byKey(await probe.arrivals());
  await probe.stop();
  const serversHeard = byKey(lookUpArrivals(serverLoads.flatMap((load) => load.listenerHeardAt)));
  const [readSent, readBack] = [byKey(lookUpArrivals(serverLoads.flatMap((load) => load.hubReadSentAt))), byKey(lookUpArrivals(serverLoads.flatMap((load) => load.hubReadBackAt)))];
  // Looked up now: byKey reads the ledger, which moves on below.
  const hubReads = new Map<number, { sentAt: number; backAt: number }>();
  const listenerHeard = new Map<number, number>();
  for (let key = 0; key < published.issued; key++) {
    const [sentAt, backAt, heardAt] = [readSent(key), readBack(key), serversHeard(key)];
    if (sentAt !== undefined && backAt !== undefined) hubReads.set(key, { sentAt, backAt });
    if (heardAt !== undefined) listenerHeard.set(key, heardAt);
  }
  // A commit happened before the publisher read its acknowledgement, before the probe heard its
  // announcement and before a server's listener did; each stamp can only be late, so the earliest
  // stands for the commit. The servers' is needed: a listener may read an announcement before its
  // sender signals it (and answers COMMIT), and without it 1.4-4% of deliveries arrived before
  // both other stamps (seventeenth session).
  const acknowledgedAt = published.commitAt.slice();
  for (let key = 0; key < published.issued; key++) {
    for (const at of [heard(key), serversHeard(key)]) {
      if (at !== undefined && at < published.commitAt[key]!) published.commitAt[key] = at;
    }
  }
  const { own, latecomers } = phaseDeliveries(await fleet.deliveries(), keyOffset, published.issued);
  const figures = accountDeliveries(
    published,
    acknowledgedAt,
    own,
    (key) => {
      const first = (key % recipients.length) * options.devicesPerUser;
      return Array.from({ length: options.devicesPerUser }, (_, d) => first + d);
    },
    heard,
    serversHeard,
  );
  ledger.record(published, recipients);
  const handedAt = new Map<number, number>();
  for (const { handedAt: pairs } of serverLoads) {
    for (let i = 0; i < pairs.length; i += 2) if (!handedAt.has(pairs[i]! - keyOffset)) handedAt.set(pairs[i]! - keyOffset, pairs[i + 1]!);
  }
  const tail = tailCauses(published, own, serverLoads.flatMap((load) => load.gc.at), clientLoop.gcAt, handedAt, figures.commitToClient, (key) => hubReads.get(key), (key) => listenerHeard.get(key));
  // BENCH_TAIL_FILE: a JSON line per phase with its slowest deliveries, to hold against a kernel trace.
  if (process.env.BENCH_TAIL_FILE) appendFileSync(process.env.BENCH_TAIL_FILE, `${JSON.stringify({ phase: plan.label ?? null, deliveries: tail.deliveries })}\n`);
  return { plan, published, figures, load: { servers: serverLoads, machine, publisherShare, publisherLoopDelay, publisherStalls: publisherStalls.take(), coreStops: cores?.take(publishing.from, publishing.to) ?? null, pings, hostSpeedUs, clientLoop }, tail, latecomers };
}
