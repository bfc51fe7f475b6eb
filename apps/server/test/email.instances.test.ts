import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationEmailJob } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { jobsDone, ledger, PUBLIC_URL } from './support/email.js';
import { until } from './support/until.js';
import { notify, sample, userIdOf } from './support/notifications.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { demo, startTestServer, type TestServer } from './support/server.js';

// Two instances on one database, each sending to an SMTP server of its own.
let first: TestServer;
let second: TestServer;
const smtps: TestSmtp[] = [];
beforeAll(async () => {
  smtps.push(await startSmtp(), await startSmtp());
  first = await startTestServer({ env: { SMTP_URL: smtps[0]!.url, PUBLIC_URL, INSTANCE_ID: 'one' } });
  second = await startTestServer({ databaseUrl: first.databaseUrl, env: { SMTP_URL: smtps[1]!.url, PUBLIC_URL, INSTANCE_ID: 'two' } });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await Promise.all(smtps.map((smtp) => smtp.close()));
});
failOnCrashes();

describe('email.instances', () => {
  it('two instances, many notifications, each enqueued twice (as after a retry): exactly one mail each', async () => {
    const recipients = await Promise.all(Object.values(demo).map((email) => userIdOf(first.db, email)));
    await first.db
      .insertInto('user_preferences')
      .values(recipients.map((user_id) => ({ user_id, category: 'goals', email: true, email_timing: 'immediately' })))
      .execute();
    const notifications = Array.from({ length: 42 }, (_, n) => sample(recipients[n % recipients.length]!, n, { type: 'GOAL_COMPLETED', link: `/goals/${n}` }));
    const ids = await notify(first.db, notifications, first.app.deps.jobs);
    // A second job for each, from the other instance's queue: both race for every mail.
    await second.db.transaction().execute(async (trx) => {
      for (const notificationId of ids) await second.app.deps.jobs.enqueue(trx, notificationEmailJob, { notificationId });
    });

    const received = () => smtps.flatMap((smtp) => smtp.received);
    await until(async () => received().length >= ids.length, `${ids.length} mails arrived`, 30_000);
    for (const id of ids) await jobsDone(first.db, id, 30_000);
    const mailed = received().map((mail) => Number(mail.text!.match(/\?notification=(\d+)/)![1]));
    expect(mailed.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    for (const id of ids) {
      const rows = await ledger(first.db, id);
      expect(rows.map((row) => row.status)).toEqual(['sent']);
    }
  });
});
