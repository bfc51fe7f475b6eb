import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, unsubscribeHeaders } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { emailJobs, header, jobsDone, mailsTo, PUBLIC_URL, startMailingServer } from './support/email.js';
import { until } from './support/until.js';
import { signInAll, type People } from './support/goals.js';
import { notify, sample } from './support/notifications.js';
import { demo, TEST_JWT_SECRET, type Person } from './support/server.js';

let mailing: Awaited<ReturnType<typeof startMailingServer>>;
let people: People;
beforeAll(async () => {
  mailing = await startMailingServer();
  people = await signInAll(mailing.server.url);
});
afterAll(() => mailing.close());
failOnCrashes();

const ONE_CLICK = { 'content-type': 'application/x-www-form-urlencoded' };

const notifyOne = async (person: Person, type: 'GOAL_COMPLETED' | 'REVIEW_DUE', n: number) =>
  (await notify(mailing.server.db, [sample(person.id, n, { type, link: '/goals/1' })], mailing.server.app.deps.jobs))[0]!;

/** The link a mail's List-Unsubscribe header carries, on the test server instead of PUBLIC_URL. */
function linkOf(listUnsubscribe: string | undefined): string {
  const url = listUnsubscribe!.slice(1, -1);
  expect(url.startsWith(`${PUBLIC_URL}/unsubscribe?token=`)).toBe(true);
  return `${mailing.server.url}${url.slice(PUBLIC_URL.length)}`;
}

async function emailOn(person: Person, category: 'goals' | 'reviews'): Promise<boolean> {
  const mine = await person.api.preferences.mine.query();
  return mine.categories.find((c) => c.category === category)!.effective.email;
}

describe('email.unsubscribe', () => {
  it('from the mail, without a session: GET shows what stops and changes nothing; the one-click POST stops that category only', async () => {
    const { alice } = people;
    await alice.api.preferences.update.mutate({
      categories: { goals: { email: true, emailTiming: 'immediately' }, reviews: { email: true, emailTiming: 'immediately' } },
    });
    await notifyOne(alice, 'GOAL_COMPLETED', 1);
    await until(async () => mailsTo(mailing.smtp, demo.alice).length === 1, 'the first mail arrived');
    const link = linkOf(header(mailsTo(mailing.smtp, demo.alice)[0]!, 'list-unsubscribe'));

    // A mail scanner (or the person) opens the link: a page and a button, nothing changed.
    for (const method of ['GET', 'HEAD']) {
      const page = await fetch(link, { method });
      expect(page.status, method).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      if (method === 'GET') {
        const html = await page.text();
        expect(html).toContain('Stop sending emails about goals to <strong>alice@demo.pms</strong>?');
        expect(html).toMatch(/<form method="post" action="\?token=[\w.-]+"><input type="hidden" name="List-Unsubscribe" value="One-Click">/);
        // No inline script anywhere; the one style is allowed by this response's nonce.
        expect(html).not.toContain('<script');
        const nonce = html.match(/<style nonce="([^"]+)">/)![1]!;
        expect(page.headers.get('content-security-policy')).toContain(`style-src 'self' 'nonce-${nonce}'`);
        expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      }
    }
    expect(await emailOn(alice, 'goals')).toBe(true);

    // The mail client's one-click POST (RFC 8058): no cookie, no Origin.
    const done = await fetch(link, { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(
      `You will no longer get emails about goals at <strong>alice@demo.pms</strong>. You can turn them on again in your <a href="${PUBLIC_URL}/settings/notifications">notification preferences</a>.`,
    );
    expect(await emailOn(alice, 'goals')).toBe(false);
    expect(await emailOn(alice, 'reviews')).toBe(true);
    // Idempotent: a second click answers the same.
    expect((await fetch(link, { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' })).status).toBe(200);

    // The next goals notification sends nothing (no job at all); reviews still send.
    const goals = await notifyOne(alice, 'GOAL_COMPLETED', 2);
    const reviews = await notifyOne(alice, 'REVIEW_DUE', 3);
    expect(await emailJobs(mailing.server.db, goals)).toEqual([]);
    await jobsDone(mailing.server.db, reviews);
    await until(async () => mailsTo(mailing.smtp, demo.alice).length === 2, 'the review mail arrived');
    expect(mailsTo(mailing.smtp, demo.alice).map((mail) => mail.text!.includes(`notification=${reviews}`))).toEqual([false, true]);
  });

  it('the page’s own form works from a browser (same origin, with its cookie): not held to the CSRF rule of /trpc', async () => {
    const { bob } = people;
    const { url } = unsubscribeHeaders({ linkSecret: TEST_JWT_SECRET, publicUrl: mailing.server.url }, bob.id, { category: 'reviews' });
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...ONE_CLICK, origin: mailing.server.url, 'sec-fetch-site': 'same-origin', cookie: `${SESSION_COOKIE}=${bob.token}` },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(await emailOn(bob, 'reviews')).toBe(false);
  });

  it('the morning decisions digest has links of its own', async () => {
    const { sam } = people;
    const { url } = unsubscribeHeaders({ linkSecret: TEST_JWT_SECRET, publicUrl: mailing.server.url }, sam.id, { decisionsDigest: true });
    expect(await (await fetch(url)).text()).toContain('Stop sending the morning email of goals waiting for your decision to <strong>sam@demo.pms</strong>?');
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click'); // multipart/form-data, which RFC 8058 also allows
    expect((await fetch(url, { method: 'POST', body })).status).toBe(200);
    expect((await sam.api.preferences.mine.query()).decisionsDigest).toBe(false);
  });

  it('refuses forged, altered or missing tokens (400, a page saying so) and POSTs that are not the one-click form, changing nothing', async () => {
    const { carol, dave } = people;
    const { url } = unsubscribeHeaders({ linkSecret: TEST_JWT_SECRET, publicUrl: mailing.server.url }, carol.id, { category: 'goals' });
    const token = new URL(url).searchParams.get('token')!;
    const [body, mac] = token.split('.') as [string, string];
    // Dave's id with Carol's signature; a token signed with another secret; garbage; none.
    const daveBody = Buffer.from(JSON.stringify({ u: dave.id, s: 'category:goals' })).toString('base64url');
    const foreign = unsubscribeHeaders({ linkSecret: 'another-secret-that-is-long-enough-000000', publicUrl: '' }, dave.id, { category: 'goals' }).url;
    const bad = [`?token=${daveBody}.${mac}`, foreign, `?token=${body}`, '?token=a.b.c', '?token=%00', ''];
    for (const query of bad) {
      const target = `${mailing.server.url}/unsubscribe${query.startsWith('/') ? query.slice('/unsubscribe'.length) : query}`;
      for (const init of [{ method: 'GET' }, { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' }]) {
        const response = await fetch(target, init);
        expect(response.status, `${init.method} ${query}`).toBe(400);
        expect(await response.text()).toContain('This link is not valid');
      }
    }
    const notOneClick: Array<[RequestInit, number, string]> = [
      [{ method: 'POST' }, 400, 'List-Unsubscribe=One-Click'],
      [{ method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=Yes' }, 400, 'Nothing was changed'],
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"List-Unsubscribe":"One-Click"}' }, 400, 'Nothing was changed'],
      [{ method: 'POST', headers: ONE_CLICK, body: `List-Unsubscribe=One-Click&x=${'y'.repeat(5000)}` }, 413, 'Request too large'],
      [{ method: 'PUT', body: 'List-Unsubscribe=One-Click' }, 405, 'PUT is not allowed here'],
    ];
    for (const [init, status, says] of notOneClick) {
      const response = await fetch(url, init);
      expect(response.status, JSON.stringify(init.headers)).toBe(status);
      expect(await response.text()).toContain(says);
    }
    expect(await emailOn(carol, 'goals')).toBe(true);
    expect(await emailOn(dave, 'goals')).toBe(true);
  });
});
