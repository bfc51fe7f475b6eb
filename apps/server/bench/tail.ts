/**
 * Tail latency against the number of sockets held (`--compare-sockets N`, `--find-rate MS`), in
 * one run on one server: first N sockets subscribed and notifications at --rate to their users
 * only; then the rest connect and subscribe up to --sockets, and the same publishing runs again
 * to every user. Then, still at the full count, publishing phases at rising rates find the
 * highest rate whose commit -> client p99 stays under MS. Every phase accounts only for its own
 * notifications (bench/publish-phase.ts).
 */
import type { DB } from '@pms/db';
import type { Child } from './children.js';
import type { Fleet } from './fleet.js';
import { log } from './log.js';
import type { BenchOptions } from './options.js';
import type { Device } from './provision.js';
import { PhaseLedger, publishPhase, type PhaseResult } from './publish-phase.js';
import { connectAndSubscribe, startRealServers } from './real-servers.js';
import { percentile, perSocket, printPerSocket, type PerSocket } from './report.js';
import { printComparison, printPhase, printRateSearch, type RateSearch } from './tail-report.js';

export interface TailContext {
  fleet: Fleet;
  db: DB;
  databaseUrl: string;
  secret: string;
  devices: Device[];
  options: BenchOptions;
  floors: PerSocket[];
  started: Date;
}

/** Publishing may fall this far short of the rate asked for and still count as keeping up. */
const ACHIEVED_SHARE = 0.95;
const SETTLE_TIMEOUT_MS = 30_000;
/**
 * The first notifications a server delivers pay for compiling the delivery path, and the first
 * after thousands of sockets connected for settling in after them (the first 2 s at 19,000 had a
 * p99 up to twice the rest's, sixteenth session); a short phase before each measured one takes
 * that, so that it lands on neither count's tail.
 */
const WARM_UP_MS = 5_000;

/** Runs the comparison and/or the rate search; prints them; returns the servers to stop. */
export async function measureTailLatency(context: TailContext): Promise<Child[]> {
  const { fleet, db, databaseUrl, devices, options } = context;
  const { servers, targets } = await startRealServers(fleet, options, databaseUrl, context.secret, devices);
  const users = devices.filter((_, i) => i % options.devicesPerUser === 0).map((d) => d.userId);
  const before = await fleet.memoryOf(servers);
  const rows: PerSocket[] = [];
  const ledger = new PhaseLedger();
  let held = 0;

  /** Connects and subscribes sockets up to `count` (devices in order), then takes the memory. */
  const holdUpTo = async (count: number) => {
    const { sockets, subscribed } = await connectAndSubscribe(fleet, servers, targets.slice(held, count), count);
    held = count;
    rows.push(perSocket(`server: ${count} sockets, subscribed`, before, await fleet.memoryOf(servers)));
    return `${sockets} held, ${subscribed} subscribed`;
  };
  /** A phase to the users whose sockets are held now: nobody else could receive. */
  const phaseAt = async (rate: number, label: string, durationMs = options.durationMs) => {
    await fleet.awaitIdle(servers, SETTLE_TIMEOUT_MS);
    const recipients = users.slice(0, held / options.devicesPerUser);
    return publishPhase(fleet, db, databaseUrl, servers, options, { rate, durationMs, recipients, label }, ledger);
  };
  const warmUpDelivery = async (rate: number) => {
    const { figures } = await phaseAt(rate, 'warm-up', WARM_UP_MS);
    log(`warm-up: ${figures.delivered} of ${figures.expected} delivered (not counted)`);
  };

  const holding: string[] = [];
  let comparison: [PhaseResult, PhaseResult] | null = null;
  if (options.compareSockets !== null) {
    holding.push(await holdUpTo(options.compareSockets));
    await warmUpDelivery(options.rate);
    const small = await phaseAt(options.rate, `${held}-sockets`);
    holding.push(await holdUpTo(options.sockets));
    await warmUpDelivery(options.rate);
    comparison = [small, await phaseAt(options.rate, `${held}-sockets`)];
  } else {
    holding.push(await holdUpTo(options.sockets));
    await warmUpDelivery(options.rateStep);
  }
  const search = options.findRateP99Ms === null ? null : await findRate(options, options.findRateP99Ms, (rate) => phaseAt(rate, `rate-${rate}`));

  const modes = [comparison && `--compare-sockets ${options.compareSockets}`, search && `--find-rate ${options.findRateP99Ms}`];
  console.log(`\n=== bench:realtime ${modes.filter(Boolean).join(' ')} ${context.started.toISOString()} ===`);
  console.log(`sockets: ${holding.join('; then ')} (of ${devices.length}) on ${options.instances} server process(es)`);
  printPerSocket([...context.floors, ...rows]);
  if (comparison) {
    for (const phase of comparison) printPhase(phase);
    printComparison(comparison, options);
  }
  if (search) printRateSearch(search, held, options);
  return servers;
}

/** Why a phase does not count as under the target, or null when it does. */
function shortfall(phase: PhaseResult, targetMs: number): string | null {
  const { published, figures, plan } = phase;
  const committed = published.issued - published.failed;
  const achieved = (committed * 1000) / published.elapsedMs;
  const p99 = percentile(figures.commitToClient, 99);
  if (published.failed > 0) return `${published.failed} transactions failed`;
  if (figures.missing > 0 || figures.duplicates > 0) return `${figures.missing} missing, ${figures.duplicates} doubled`;
  if (achieved < ACHIEVED_SHARE * plan.rate) return `publisher fell behind (${achieved.toFixed(0)}/s)`;
  if (!(p99 < targetMs)) return `p99 ${p99.toFixed(1)} ms`;
  return null;
}

/**
 * Rates step, 2 x step, ... up to --max-rate until one misses the target; then bisects between
 * the last rate under it and the first over, down to a quarter step.
 */
async function findRate(options: BenchOptions, targetMs: number, phaseAt: (rate: number) => Promise<PhaseResult>) {
  const steps: RateSearch['steps'] = [];
  const under = async (rate: number) => {
    const phase = await phaseAt(rate);
    const reason = shortfall(phase, targetMs);
    steps.push({ phase, reason });
    return reason === null;
  };
  let highest = 0;
  let over: number | null = null;
  for (let rate = options.rateStep; rate <= options.maxRate; rate += options.rateStep) {
    if (!(await under(rate))) {
      over = rate;
      break;
    }
    highest = rate;
  }
  while (over !== null && over - highest > options.rateStep / 4) {
    const middle = Math.round((highest + over) / 20) * 10;
    if (middle <= highest || middle >= over) break;
    if (await under(middle)) highest = middle;
    else over = middle;
  }
  return { targetMs, steps, highest, over };
}
