/**
 * `npm run bench:email`: what the email channel costs, in two parts.
 *  1. What enqueuing adds to publishing: publish() at `--rate` notifications/s, one per
 *     transaction, `--in-flight` at once, alternately without and with the email job that the
 *     server enqueues with every notification (the default timing, "unread after 30 minutes":
 *     none comes due during the run). Prints p50/p99 per notification of each, and the difference.
 *  2. Emails per second through the queue: `--mails` notifications whose recipients take goal
 *     email "immediately", published at once; the real server's workers (one process, this one)
 *     send them through a real SMTP server (smtp-server, in a process of its own) and the mail
 *     ledger. Prints mails/s from the first commit to the last mail accepted, and the same with mail
 *     only kept in the database (no SMTP_URL).
 *   --rate N (default 200)  --duration S (default 10, per phase)  --in-flight N (default 4)
 *   --mails N (default 2000)  BENCH_DATABASE_URL as for the other benches
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { notificationEmailJob, publish } from '@pms/api';
import { createDatabase, type DB } from '@pms/db';
import { createApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { log } from './log.js';
import { createBenchDatabase, provisionUsers } from './provision.js';
import { publishAtRate } from './publisher.js';
import { percentile } from './report.js';

const { values } = parseArgs({
  options: { rate: { type: 'string' }, duration: { type: 'string' }, 'in-flight': { type: 'string' }, mails: { type: 'string' } },
});
const whole = (flag: keyof typeof values, fallback: number) => {
  const value = Number(values[flag] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be a whole number of at least 1, not ${values[flag]}`);
  return value;
};
const rate = whole('rate', 200);
const durationMs = whole('duration', 10) * 1000;
const maxInFlight = whole('in-flight', 4);
const mails = whole('mails', 2000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function startApp(databaseUrl: string, smtpUrl?: string): Promise<App> {
  const env = parseEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', METRICS_PORT: 'off', SEED_DEMO: 'never', JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256', ...(smtpUrl && { SMTP_URL: smtpUrl }) });
  return createApp(env, databaseUrl);
}

/** A real SMTP server in a process of its own (so its parsing does not take the workers' core time), counting what it accepted. */
async function startSmtpSink() {
  const child = fork(new URL('./smtp-sink.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: ready.url,
    async accepted(): Promise<number> {
      child.send('count');
      const [count] = (await once(child, 'message')) as [number];
      return count;
    },
    stop: () => child.kill(),
  };
}

async function publishCost(db: DB, app: App, recipients: number[]) {
  const figures: Record<'without' | 'with', number[]> = { without: [], with: [] };
  let keyOffset = 0;
  for (const round of [0, 1]) {
    for (const variant of ['without', 'with'] as const) {
      const result = await publishAtRate(db, { rate, durationMs, batch: 1, maxInFlight, recipients, ttlDays: 30, keyOffset, jobs: variant === 'with' ? app.deps.jobs : null });
      keyOffset += result.issued;
      for (let key = 0; key < result.issued; key++) {
        const ms = result.commitAt[key]! - result.startAt[key]!;
        if (!Number.isNaN(ms)) figures[variant].push(ms);
      }
      log(`round ${round + 1}, ${variant} the email job: ${result.issued - result.failed} published, ${result.failed} failed`);
    }
  }
  const sorted = (list: number[]) => Float64Array.from(list).sort();
  const [without, withJob] = [sorted(figures.without), sorted(figures.with)];
  const jobs = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'email.notification'`.execute(db);
  console.log(`\n=== bench:email ${new Date().toISOString()} ===`);
  console.log(`publish, one notification per transaction, ${rate}/s, ${maxInFlight} in flight, 2 x ${durationMs / 1000} s each`);
  console.log(`  without the email job   p50 ${percentile(without, 50).toFixed(2)} ms   p99 ${percentile(without, 99).toFixed(2)} ms   (${without.length})`);
  console.log(`  with the email job      p50 ${percentile(withJob, 50).toFixed(2)} ms   p99 ${percentile(withJob, 99).toFixed(2)} ms   (${withJob.length}; ${jobs.rows[0]!.n} jobs enqueued)`);
  console.log(`  added per notification  p50 ${(percentile(withJob, 50) - percentile(without, 50)).toFixed(2)} ms   p99 ${(percentile(withJob, 99) - percentile(without, 99)).toFixed(2)} ms`);
}

/** Publishes `mails` notifications to people who take goal email at once, and times until all are sent. */
async function mailRate(db: DB, app: App, recipients: number[], accepted: () => Promise<number>, label: string) {
  const before = await accepted();
  const started = performance.now();
  for (let first = 0; first < mails; first += 100) {
    const count = Math.min(100, mails - first);
    await db.transaction().execute((trx) =>
      publish(trx, {
        ttlDays: 30,
        jobs: app.deps.jobs,
        notifications: Array.from({ length: count }, (_, i) => ({
          recipientId: recipients[(first + i) % recipients.length]!,
          type: 'GOAL_PROGRESS_UPDATED' as const,
          title: `Progress ${first + i}`,
          message: 'A goal moved forward',
          link: '/goals/1',
        })),
      }),
    );
  }
  const committed = performance.now();
  for (;;) {
    const { rows } = await sql<{ sent: number }>`select count(*)::int as sent from mail_messages where status = 'sent'`.execute(db);
    const done = (await accepted()) - before;
    if (done >= mails) break;
    if (performance.now() - started > 600_000) throw new Error(`only ${done} of ${mails} mails after 10 minutes (${rows[0]!.sent} marked sent)`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${label.padEnd(24)}${mails} mails in ${seconds.toFixed(1)} s: ${Math.round(mails / seconds)} mails/s (publishing took ${((committed - started) / 1000).toFixed(1)} s)`);
}

const database = await createBenchDatabase(adminUrl);
const db = createDatabase({ connectionString: database.url, max: maxInFlight + 2 });
const smtp = await startSmtpSink();
try {
  const recipients = await provisionUsers(db, 1000);
  let app = await startApp(database.url);
  try {
    await publishCost(db, app, recipients);
  } finally {
    await app.close();
  }

  await sql`update preference_defaults set email_timing = 'immediately'`.execute(db);
  console.log(`emails through the queue (one server process: ${notificationEmailJob.batchSize} jobs at a time, an SMTP pool of 5 connections)`);
  app = await startApp(database.url, smtp.url);
  try {
    await mailRate(db, app, recipients, smtp.accepted, 'through SMTP');
  } finally {
    await app.close();
  }
  await sql`delete from mail_messages`.execute(db);
  app = await startApp(database.url);
  try {
    const kept = async () => Number((await sql<{ n: number }>`select count(*)::int as n from mail_messages where status = 'sent'`.execute(db)).rows[0]!.n);
    await mailRate(db, app, recipients, kept, 'kept (no SMTP_URL)');
  } finally {
    await app.close();
  }
} finally {
  smtp.stop();
  await db.destroy();
  await database.drop();
}
