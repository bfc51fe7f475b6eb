/**
 * `npm run bench:publish`: publish() alone against PostgreSQL (no server, no sockets), at the
 * same rate and concurrency as bench:realtime. It tells the publisher's and PostgreSQL's share
 * of a run from the delivery's, and how fast this machine is today. Flags as bench:realtime
 * (--rate, --duration, --batch, --in-flight; --sockets is the number of recipients).
 */
import { cpuUsage } from 'node:process';
import { createDatabase } from '@pms/db';
import { log } from './log.js';
import { machineBusy } from './machine.js';
import { parseOptions } from './options.js';
import { createBenchDatabase, provisionUsers } from './provision.js';
import { publishAtRate } from './publisher.js';
import { percentile } from './report.js';

const options = parseOptions(process.argv.slice(2), process.env);
const database = await createBenchDatabase(options.adminUrl);
const db = createDatabase({ connectionString: database.url, max: options.maxInFlight });
try {
  const recipients = await provisionUsers(db, options.sockets);
  log(`publishing ${options.rate}/s for ${options.durationMs / 1000} s to ${recipients.length} users, ${options.batch} per transaction, ${options.maxInFlight} in flight`);
  const [cpuBefore, busy] = [cpuUsage(), machineBusy()];
  const result = await publishAtRate(db, {
    rate: options.rate,
    durationMs: options.durationMs,
    batch: options.batch,
    maxInFlight: options.maxInFlight,
    recipients,
    ttlDays: 30,
  });
  const cpu = cpuUsage(cpuBefore);
  const transactions = result.issued / options.batch;
  const latencies = Float64Array.from({ length: result.issued }, (_, key) => result.commitAt[key]! - result.startAt[key]!)
    .filter((ms) => !Number.isNaN(ms))
    .sort();
  console.log(`\n=== bench:publish ${new Date().toISOString()} ===`);
  console.log(`achieved          ${Math.round((result.issued - result.failed) / (result.elapsedMs / 1000))}/s of ${options.rate}/s (${result.failed} failed; in-flight cap hit on ${result.throttled} ticks)`);
  console.log(`transaction       p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  console.log(`publisher CPU     ${((cpu.user + cpu.system) / 1000 / transactions).toFixed(2)} ms per transaction`);
  console.log(`machine           ${Math.round((busy()?.busy ?? Number.NaN) * 100)}% busy (publisher and PostgreSQL)`);
  if (result.firstError) console.log(`first error       ${result.firstError}`);
} finally {
  await db.destroy();
  await database.drop();
}
