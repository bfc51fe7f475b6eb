/**
 * The administrators' API (sent mail, failed jobs) and who may call what of it and of the
 * preferences, over HTTP and WebSocket; the sandboxed mail page the Sent mail screen frames.
 * Mail rows are fixtures written with SQL (support/mail-rows.ts): sending is tested elsewhere.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, JobQueue, SESSION_COOKIE, type JobKind } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { insertMail } from './support/mail-rows.js';
import { demo, failure, httpClient, outcome, signIn, startTestServer, wsClient, type Client, type Person, type TestServer, type WsSession } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
let admin: Person, sam: Person, alice: Person;
const sockets: WsSession[] = [];
beforeAll(async () => {
  server = await startTestServer();
  [admin, sam, alice] = await Promise.all([signIn(server.url, demo.admin), signIn(server.url, demo.sam), signIn(server.url, demo.alice)]);
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});
failOnCrashes();

function overWs(token?: string): Client {
  const socket = wsClient(server.url, token);
  sockets.push(socket);
  return socket.client;
}

const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000';

/** Every procedure of both routers, called so that an administrator passes the gate. */
const calls: Record<string, (api: Client) => Promise<unknown>> = {
  'preferences.mine': (api) => api.preferences.mine.query(),
  'preferences.update': (api) => api.preferences.update.mutate({ decisionsDigest: true }),
  'preferences.defaults': (api) => api.preferences.defaults.query(),
  'preferences.updateDefaults': (api) => api.preferences.updateDefaults.mutate({ categories: {} }),
  'admin.sentMail': (api) => api.admin.sentMail.query({}),
  'admin.sentMailById': (api) => api.admin.sentMailById.query({ id: 999_999 }),
  'admin.failedJobs': (api) => api.admin.failedJobs.query({}),
  'admin.retryJob': (api) => api.admin.retryJob.mutate({ id: UNKNOWN_JOB }),
};

const ADMIN_ONLY = ['preferences.defaults', 'preferences.updateDefaults', 'admin.sentMail', 'admin.sentMailById', 'admin.failedJobs', 'admin.retryJob'];
/** What an administrator gets: the two by-id calls name ids that do not exist. */
const forAdmin = (name: string) => (name === 'admin.sentMailById' || name === 'admin.retryJob' ? 'NOT_FOUND' : 'ok');

describe('access', () => {
  it.each(['http', 'ws'] as const)('admin, supervisor, supervisee and anonymous over %s', async (transport) => {
    const clients = {
      admin: transport === 'http' ? admin.api : overWs(admin.token),
      supervisor: transport === 'http' ? sam.api : overWs(sam.token),
      supervisee: transport === 'http' ? alice.api : overWs(alice.token),
      anonymous: transport === 'http' ? httpClient(server.url) : overWs(),
    };
    const seen: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    for (const [who, api] of Object.entries(clients)) {
      for (const [name, call] of Object.entries(calls)) {
        (seen[who] ??= {})[name] = await outcome(call(api));
        (expected[who] ??= {})[name] =
          who === 'anonymous' ? 'UNAUTHORIZED' : who === 'admin' ? forAdmin(name) : ADMIN_ONLY.includes(name) ? 'FORBIDDEN' : 'ok';
      }
    }
    expect(seen).toEqual(expected);
  });

  it("each person reads and changes only their own preferences", async () => {
    await alice.api.preferences.update.mutate({ categories: { reviews: { email: false } }, timeZone: 'Asia/Tokyo' });
    const [mine, bobs] = await Promise.all([alice.api.preferences.mine.query(), sam.api.preferences.mine.query()]);
    expect(mine.timeZone).toBe('Asia/Tokyo');
    expect(mine.categories.find((c) => c.category === 'reviews')!.own).toEqual({ email: false });
    expect(bobs.timeZone).toBe('UTC');
    expect(bobs.categories.find((c) => c.category === 'reviews')!.own).toEqual({});
  });
});

describe('admin.sentMail', () => {
  it('pages newest first without bodies, filters by recipient and kind, and opens one with its bodies', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await insertMail(server.db, { to: i % 2 ? 'bob@demo.pms' : 'alice@demo.pms', kind: i === 4 ? 'digest' : 'notification' }));
    const first = await admin.api.admin.sentMail.query({ limit: 2 });
    expect(first.items.map((m) => m.id)).toEqual([ids[4], ids[3]]);
    expect(first.items[0]).not.toHaveProperty('html');
    const second = await admin.api.admin.sentMail.query({ limit: 2, cursor: first.nextCursor });
    const third = await admin.api.admin.sentMail.query({ limit: 2, cursor: second.nextCursor });
    expect([...second.items, ...third.items].map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.nextCursor).toBeNull();

    const bobs = await admin.api.admin.sentMail.query({ to: 'BOB@' });
    expect(bobs.items.map((m) => m.id)).toEqual([ids[3], ids[1]]);
    const digests = await admin.api.admin.sentMail.query({ kind: 'digest' });
    expect(digests.items.map((m) => m.id)).toEqual([ids[4]]);
    // LIKE's wildcards are matched literally.
    expect((await admin.api.admin.sentMail.query({ to: '%' })).items).toEqual([]);

    const mail = await admin.api.admin.sentMailById.query({ id: ids[0]! });
    expect(mail).toMatchObject({ id: ids[0], to: 'alice@demo.pms', transport: 'stored', status: 'sent' });
    expect(mail.html).toContain('Fixture mail');
    expect(mail.headers['List-Unsubscribe']).toMatch(/^<https:/);
  });

  it('names each bad input', async () => {
    expect((await failure(admin.api.admin.sentMail.query({ limit: 0 }))).message).toMatch(/^limit must be between 1 and 100/);
    expect((await failure(admin.api.admin.sentMail.query({ cursor: -3 }))).message).toBe('cursor must be positive');
    expect((await failure(admin.api.admin.sentMail.query({ to: 'x'.repeat(300) }))).message).toBe('to must be at most 254 characters');
    const byId = await failure(admin.api.admin.sentMailById.query({ id: 1.5 }));
    expect([byId.data?.code, byId.message]).toEqual(['BAD_REQUEST', 'id must be a whole number']);
    const job = await failure(admin.api.admin.retryJob.mutate({ id: 'nope' }));
    expect([job.data?.code, job.message]).toEqual(['BAD_REQUEST', 'id must be a job id (a UUID)']);
  });
});

/** A throwaway kind: fails until `heal` is set, through a real queue on the server's database. */
function flakyKind(): JobKind<{ n: number }> & { heal: boolean; runs: number } {
  return {
    name: `test.flaky.${process.pid}`,
    options: { retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 60 },
    heal: false,
    runs: 0,
    async handle() {
      this.runs++;
      if (!this.heal) throw new Error('the flaky handler refused');
    },
  };
}

async function jobState(id: string): Promise<{ state: string; retry_count: number }> {
  const { rows } = await sql<{ state: string; retry_count: number }>`select state, retry_count from pgboss.job where id = ${id}::uuid`.execute(server.db);
  return rows[0]!;
}

describe('admin.failedJobs and retryJob', () => {
  it('lists a job whose handler threw, and retrying runs it again through its worker', async () => {
    const kind = flakyKind();
    const queue = new JobQueue({ connectionString: server.databaseUrl, log: createLogger({ level: 'error', instanceId: 'flaky' }) });
    await queue.start([kind], server.app.deps);
    try {
      const id = await server.db.transaction().execute((trx) => queue.enqueue(trx, kind, { n: 1 }));
      await until(async () => (await jobState(id)).state === 'failed', 'the job failed');

      const listed = (await admin.api.admin.failedJobs.query({})).items.find((job) => job.id === id);
      expect(listed).toMatchObject({ name: kind.name, data: { n: 1 }, error: 'the flaky handler refused', retryCount: 0 });
      expect(listed!.createdOn).toBeInstanceOf(Date);
      expect(listed!.completedOn).toBeInstanceOf(Date);

      kind.heal = true;
      expect(await admin.api.admin.retryJob.mutate({ id })).toEqual({ id, name: kind.name, state: 'retry' });
      await until(async () => (await jobState(id)).state === 'completed', 'the retried job completed');
      expect(kind.runs).toBe(2);
      expect((await admin.api.admin.failedJobs.query({})).items.map((job) => job.id)).not.toContain(id);
      // Retrying it again: it is no longer failed.
      const again = await failure(admin.api.admin.retryJob.mutate({ id }));
      expect([again.data?.code, again.message]).toEqual(['CONFLICT', `Job ${id} is not failed (it is completed): nothing to retry`]);
    } finally {
      await queue.stop();
    }
  });

  it('pages failed jobs newest first', async () => {
    const kind = flakyKind();
    kind.name += '.paged';
    const queue = new JobQueue({ connectionString: server.databaseUrl, log: createLogger({ level: 'error', instanceId: 'flaky' }) });
    await queue.start([kind], server.app.deps);
    try {
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) ids.push(await server.db.transaction().execute((trx) => queue.enqueue(trx, kind, { n })));
      await until(async () => (await Promise.all(ids.map(jobState))).every((job) => job.state === 'failed'), 'all failed');
      const pages: string[] = [];
      let cursor: { createdOn: Date; id: string } | null = null;
      do {
        const page: Awaited<ReturnType<Client['admin']['failedJobs']['query']>> = await admin.api.admin.failedJobs.query({ limit: 1, cursor });
        pages.push(...page.items.map((job) => job.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
    } finally {
      await queue.stop();
    }
  });
});

describe('GET /admin/mail/<id>.html', () => {
  const get = (path: string, token?: string) => fetch(`${server.url}${path}`, { headers: token ? { cookie: `${SESSION_COOKIE}=${token}` } : {} });

  it('gives an administrator the HTML under its own CSP, and nobody else', async () => {
    const id = await insertMail(server.db, { to: 'alice@demo.pms', html: '<table style="width:100%"><tr><td>Hello</td></tr></table>' });
    const response = await get(`/admin/mail/${id}.html`, admin.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox",
    );
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(await response.text()).toBe('<table style="width:100%"><tr><td>Hello</td></tr></table>');

    expect((await get(`/admin/mail/${id}.html`, sam.token)).status).toBe(403);
    expect((await get(`/admin/mail/${id}.html`, alice.token)).status).toBe(403);
    expect((await get(`/admin/mail/${id}.html`)).status).toBe(401);
    expect((await get(`/admin/mail/${id}.html`, 'not-a-token')).status).toBe(401);
    expect((await get('/admin/mail/999999.html', admin.token)).status).toBe(404);
    expect((await get('/admin/mail/abc.html', admin.token)).status).toBe(404);
    expect((await get('/admin/mail/0.html', admin.token)).status).toBe(404);
  });
});
