import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashFixture } from './support/crash-fixture.js';
import { startChildServer } from './support/child-server.js';
import { emailJobs, ledger, PUBLIC_URL } from './support/email.js';
import { until } from './support/until.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { demo, signIn, startTestServer } from './support/server.js';

const fixture = crashFixture();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp?.close());

describe('email.crash', () => {
  // The lease and the job's expiry are both 60 s: the retry comes a little over a minute after the crash.
  it('a process killed mid-send (the SMTP server has the mail but has not answered): exactly one mail after another instance takes over', { timeout: 180_000 }, async () => {
    const env = { SMTP_URL: smtp.url, PUBLIC_URL };
    const { db } = fixture;
    const crashing = (fixture.crashing = await startChildServer(fixture.url, 'email-crashing', env));
    const [sam, alice] = [await signIn(crashing.url, demo.sam), await signIn(crashing.url, demo.alice)];
    // The morning "waiting for your decision" digest off: between 08:00 and 08:59 in Sam's zone the survivor would send it too.
    await sam.api.preferences.update.mutate({ decisionsDigest: false, categories: { goals: { email: true, emailTiming: 'immediately' } } });

    const gate = smtp.hold();
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Survive a crash' });
    await gate.arrived();
    const { id } = await db
      .selectFrom('notifications')
      .select('id')
      .where('recipient_id', '=', sam.id)
      .where('request_key', '=', `goal:${goal.id}:approval`)
      .executeTakeFirstOrThrow();
    expect((await ledger(db, id)).map((row) => row.status)).toEqual(['sending']);
    expect((await emailJobs(db, id)).map((job) => job.state)).toEqual(['active']);

    // Dies before the 250: the SMTP server sees the connection go and delivers nothing.
    await crashing.kill();
    await gate.clientGone();
    gate.release();
    await sleep(500);
    expect(smtp.received).toEqual([]);

    fixture.survivor = await startTestServer({ databaseUrl: fixture.url, seed: false, env });
    const [mail] = await smtp.waitFor(1, 150_000);
    expect(mail!.subject).toBe('Goal awaiting your approval');
    expect(mail!.text).toContain(`notification=${id}`);
    await until(async () => (await emailJobs(db, id)).every((job) => job.state === 'completed'), 'its job completed', 30_000);
    await sleep(1000);
    expect(smtp.received).toHaveLength(1);
    const [row] = await ledger(db, id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, transport: 'smtp', lease_until: null });
    expect(row!.message_id).toBe(mail!.messageId);
  });
});
