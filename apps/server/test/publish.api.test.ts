/**
 * Publishing from other modules over REST, as a service in another language would: plain fetch
 * and JSON with an API key. What it publishes reaches people the app's own way (live, email per
 * preferences of the type's registered category), once per idempotency key, and a bad request
 * stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey, publicationJob } from '@pms/api';
import { failOnCrashes } from './support/crashes.js';
import { jobsDone, ledger, mailsTo, startMailingServer } from './support/email.js';
import { until } from './support/until.js';
import { signInAll, type People } from './support/goals.js';
import { followNotifications } from './support/notifications.js';
import { demo, wsClient } from './support/server.js';

let mailing: Awaited<ReturnType<typeof startMailingServer>>;
let people: People;
let publisher: string;
beforeAll(async () => {
  mailing = await startMailingServer();
  people = await signInAll(mailing.server.url);
  publisher = (await issueApiKey(mailing.server.db, { name: 'initiatives module', scopes: ['notifications:publish', 'notifications:read'], createdBy: null })).secret;
});
afterAll(() => mailing.close());
failOnCrashes();

const db = () => mailing.server.db;

/** A plain JSON call, as another language's client would make it. */
async function call(method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${mailing.server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(options.key !== undefined && { authorization: `Bearer ${options.key}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const publishAs = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('POST', '/notifications', { key, body, headers });

const initiative = (recipients: unknown[], extra: Record<string, unknown> = {}) => ({
  recipients,
  type: 'INITIATIVE_ASSIGNED',
  priority: 'HIGH',
  title: 'You lead the onboarding initiative',
  message: 'Olivia assigned you the initiative "Faster onboarding".',
  link: '/initiatives/7',
  data: { initiativeId: 7 },
  actions: [{ kind: 'link', label: 'Open initiative', url: 'https://initiatives.example.test/7' }],
  ...extra,
});

async function stored() {
  const [publications, notifications] = await Promise.all([
    db().selectFrom('publications').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    db().selectFrom('notifications').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { publications: publications.n, notifications: notifications.n };
}

describe('POST /api/v1/notifications', () => {
  it('publishes to people by id and by email; each receives it live', async () => {
    const { alice, bob } = people;
    const socket = wsClient(mailing.server.url, bob.token);
    try {
      const live = await followNotifications(socket.client);
      const { status, body } = await publishAs(publisher, initiative([alice.id, demo.bob]));
      expect(status).toBe(200);
      expect(body).toMatchObject({ type: 'INITIATIVE_ASSIGNED', sendAt: null, recipients: [{ userId: alice.id, email: demo.alice }, { userId: bob.id, email: demo.bob }] });
      expect(typeof body.deliveredAt).toBe('string');
      const [event] = await live.take(1);
      expect(event!.data).toMatchObject({
        kind: 'created',
        notification: {
          id: body.recipients[1].notificationId,
          type: 'INITIATIVE_ASSIGNED',
          priority: 'HIGH',
          title: 'You lead the onboarding initiative',
          link: '/initiatives/7',
          data: { initiativeId: 7 },
          actions: [{ kind: 'link', label: 'Open initiative', url: 'https://initiatives.example.test/7' }],
        },
      });
      live.close();
    } finally {
      await socket.close();
    }
    // The publisher reads it back: per recipient, what became of it.
    const { body: latest } = await publishAs(publisher, initiative([demo.carol]));
    await people.carol.api.notifications.markRead.mutate({ id: latest.recipients[0].notificationId });
    const state = await call('GET', `/notifications/publications/${latest.id}`, { key: publisher });
    expect(state.status).toBe(200);
    expect(state.body.recipients).toMatchObject([{ userId: people.carol.id, email: demo.carol, state: 'read' }]);
  });

  it('a retry with the same Idempotency-Key answers the first result and notifies once; another body is refused', async () => {
    const key = randomUUID();
    const before = await stored();
    const first = await publishAs(publisher, initiative([demo.dave]), { 'idempotency-key': key });
    const retry = await publishAs(publisher, initiative([demo.dave]), { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(retry).toEqual(first);
    expect(await stored()).toEqual({ publications: before.publications + 1, notifications: before.notifications + 1 });

    // Two at once with one key (a client retrying before the first answered): the second waits, then replays.
    const raced = randomUUID();
    const [one, two] = await Promise.all([0, 1].map(() => publishAs(publisher, initiative([demo.dave]), { 'idempotency-key': raced })));
    expect(two).toEqual(one);
    expect((await stored()).publications).toBe(before.publications + 2);

    const changed = await publishAs(publisher, initiative([demo.dave], { title: 'Another' }), { 'idempotency-key': key });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toBe('idempotencyKey was already used for a different request');
    // Keys are the caller's own: another service may use the same one.
    const other = (await issueApiKey(db(), { name: 'reviews module', scopes: ['notifications:publish'], createdBy: null })).secret;
    expect((await publishAs(other, initiative([demo.dave]), { 'idempotency-key': key })).status).toBe(200);
    expect((await publishAs(publisher, initiative([demo.dave]), { 'idempotency-key': 'not-a-uuid' })).body.message).toBe(
      'The Idempotency-Key header must be a UUID',
    );
  });

  it('refuses every bad request with a 400 that says what is wrong, and stores nothing', async () => {
    const dave = people.dave.id;
    await db().updateTable('users').set({ active: false }).where('email', '=', demo.sam).execute();
    const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
    const cases: Array<[Record<string, unknown>, string]> = [
      [initiative([]), 'recipients must hold 1 to 1000 people'],
      [initiative(Array.from({ length: 1001 }, () => dave)), 'recipients must hold 1 to 1000 people'],
      [initiative([dave, 999_999, 'nobody@demo.pms']), 'recipients: no such user: 999999, nobody@demo.pms'],
      [initiative([demo.sam]), 'recipients: deactivated: sam@demo.pms'],
      [initiative([true]), 'recipients'],
      [initiative([dave], { type: 'INITIATIVE_CLOSED' }), 'type INITIATIVE_CLOSED is not a registered notification type'],
      [initiative([dave], { type: 'initiative assigned' }), 'type must be 3 to 64 characters'],
      [initiative([dave], { sendAt: soon(-60_000) }), 'sendAt must be in the future'],
      [initiative([dave], { sendAt: soon(400 * 86_400_000) }), 'sendAt must be at most 366 days ahead'],
      [initiative([dave], { sendAt: 'tomorrow' }), 'sendAt must be an ISO 8601 time'],
      [initiative([dave], { link: 'javascript:alert(1)' }), 'link must be an in-app path starting with / (like /initiatives/7) or an https:// URL'],
      [initiative([dave], { link: 'http://initiatives.example.test/7' }), 'link must be an in-app path'],
      [initiative([dave], { link: '//evil.example/7' }), 'link must be an in-app path'],
      [initiative([dave], { data: [1, 2] }), 'data must be a JSON object'],
      [initiative([dave], { data: { text: 'x'.repeat(9000) } }), 'data must be at most 8192 bytes as JSON'],
      // Keys tRPC's transformer refuses to write: stored, they would break the recipient's inbox.
      [initiative([dave], { data: { constructor: 1 } }), 'data must not use the keys __proto__, constructor or prototype (data.constructor)'],
      [initiative([dave], { data: { goals: [{ id: 1 }, { prototype: {} }] } }), '(data.goals[1].prototype)'],
      [initiative([dave], { data: { nested: JSON.parse('{"__proto__": {"admin": true}}') } }), '(data.nested.__proto__)'],
      [initiative([dave], { title: ' ' }), 'title must not be empty'],
      [initiative([dave], { priority: 'CRITICAL' }), 'priority'],
      [initiative([dave], { actions: [{ kind: 'approve', goalId: 1 }] }), "kind must be 'link'"],
      [initiative([dave], { actions: [{ kind: 'link', label: 'Open', url: 'ftp://x.example/1' }] }), 'url must be an in-app path'],
    ];
    const before = await stored();
    for (const [body, message] of cases) {
      const response = await publishAs(publisher, body, { 'idempotency-key': randomUUID() });
      expect(response.status, message).toBe(400);
      // Wherever the REST error puts it (its message, or its issues for a schema's refusal).
      expect(JSON.stringify(response.body), message).toContain(message);
    }
    expect(await stored()).toEqual(before);
    expect(await db().selectFrom('idempotency_keys').select('key').where('api_key_id', 'is not', null).where('result', 'is', null).execute()).toEqual([]);
    await db().updateTable('users').set({ active: true }).where('email', '=', demo.sam).execute();
  });

  it('refuses a key without notifications:publish, and people who are not administrators', async () => {
    const reader = (await issueApiKey(db(), { name: 'dashboard', scopes: ['notifications:read'], createdBy: null })).secret;
    const refused = await publishAs(reader, initiative([demo.dave]));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('The API key "dashboard" lacks the scope notifications:publish');
    expect((await publishAs(people.alice.token, initiative([demo.dave]))).status).toBe(403);
    expect((await publishAs(people.admin.token, initiative([demo.dave]))).status).toBe(200);
    const writer = (await issueApiKey(db(), { name: 'writer', scopes: ['notifications:publish'], createdBy: null })).secret;
    expect((await call('GET', '/notifications/publications/1', { key: writer })).status).toBe(403);
  });
});

describe('send-at', () => {
  /** Lets a scheduled publication's time come now, as the clock would; the queue's next poll takes it. */
  const dueNow = (publicationId: number) =>
    sql`update pgboss.job set start_after = now() where name = 'publication.deliver' and (data->>'publicationId')::bigint = ${publicationId}`.execute(db());

  it('stores it, then delivers it at its time, live', async () => {
    const { carol } = people;
    const sendAt = new Date(Date.now() + 3_600_000);
    const { status, body } = await publishAs(publisher, initiative([carol.id], { sendAt: sendAt.toISOString(), title: 'Scheduled' }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ sendAt: sendAt.toISOString(), deliveredAt: null, recipients: [{ userId: carol.id, notificationId: null }] });
    expect((await call('GET', `/notifications/publications/${body.id}`, { key: publisher })).body.recipients[0].state).toBe('scheduled');

    const socket = wsClient(mailing.server.url, carol.token);
    try {
      const live = await followNotifications(socket.client);
      await dueNow(body.id);
      const [event] = await live.take(1);
      expect(event!.data).toMatchObject({ kind: 'created', notification: { title: 'Scheduled', type: 'INITIATIVE_ASSIGNED' } });
      live.close();
    } finally {
      await socket.close();
    }
    expect((await call('GET', `/notifications/publications/${body.id}`, { key: publisher })).body.recipients[0].state).toBe('unread');
  });

  it('is delivered once when two instances (or a re-run after a crash) run its job at the same time', async () => {
    const { body } = await publishAs(publisher, initiative([people.dave.id, people.olivia.id], { sendAt: new Date(Date.now() + 3_600_000).toISOString(), title: 'Once' }));
    const deps = mailing.server.app.deps;
    await Promise.all([publicationJob.handle({ publicationId: body.id }, deps), publicationJob.handle({ publicationId: body.id }, deps)]);
    // And the queued job itself, later: it finds it delivered.
    await dueNow(body.id);
    await until(
      async () => (await sql<{ state: string }>`select state from pgboss.job where name = 'publication.deliver' and (data->>'publicationId')::bigint = ${body.id}`.execute(db())).rows[0]?.state === 'completed',
      'the queued job completed',
    );
    const delivered = await db().selectFrom('notifications').select('recipient_id').where('publication_id', '=', body.id).orderBy('recipient_id').execute();
    expect(delivered.map((n) => n.recipient_id)).toEqual([people.olivia.id, people.dave.id].sort((a, b) => a - b));
  });
});

it('emails an initiatives type as the recipient chose for initiatives', async () => {
  const { olivia, bob } = people;
  await olivia.api.preferences.update.mutate({ categories: { initiatives: { email: true, emailTiming: 'immediately' }, goals: { email: false } } });
  await bob.api.preferences.update.mutate({ categories: { initiatives: { email: false }, goals: { email: true, emailTiming: 'immediately' } } });
  const { body } = await publishAs(publisher, initiative([olivia.id, bob.id], { title: 'Initiative by email' }));
  const [toOlivia, toBob] = body.recipients.map((r: { notificationId: number }) => r.notificationId);
  await jobsDone(db(), toOlivia);
  expect((await ledger(db(), toOlivia))[0]).toMatchObject({ status: 'sent', category: 'initiatives' });
  expect(mailsTo(mailing.smtp, demo.olivia).some((mail) => mail.subject === 'Initiative by email')).toBe(true);
  expect(await ledger(db(), toBob)).toEqual([]);
});

describe('the type registry', () => {
  it('lists the types to keys that publish or read, registers them for administrators only', async () => {
    const { status, body } = await call('GET', '/notification-types', { key: publisher });
    expect(status).toBe(200);
    expect(body).toContainEqual(expect.objectContaining({ type: 'INITIATIVE_ASSIGNED', category: 'initiatives', label: 'Initiative assigned', builtIn: true }));

    const type = { type: 'REVIEW_CALIBRATION_OPEN', category: 'reviews', label: 'Calibration open' };
    expect((await call('POST', '/notification-types', { key: publisher, body: type })).status).toBe(403);
    expect((await call('POST', '/notification-types', { key: people.alice.token, body: type })).status).toBe(403);
    const registered = await call('POST', '/notification-types', { key: people.admin.token, body: type });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ ...type, builtIn: false });
    expect((await call('POST', '/notification-types', { key: people.admin.token, body: type })).status).toBe(200);
    const moved = await call('POST', '/notification-types', { key: people.admin.token, body: { ...type, category: 'system' } });
    expect(moved.status).toBe(409);
    expect(moved.body.message).toContain('already registered in the category reviews');
    expect((await call('POST', '/notification-types', { key: people.admin.token, body: { ...type, type: 'bad' } })).status).toBe(400);
  });

  it("a registered type is published, counted and filtered, and its category's preferences apply", async () => {
    const { carol } = people;
    await call('POST', '/notification-types', { key: people.admin.token, body: { type: 'CHECKIN_DUE', category: 'reviews', label: 'Check-in due' } });
    await carol.api.preferences.update.mutate({ categories: { reviews: { inApp: false } } });
    const { status, body } = await publishAs(publisher, { recipients: [carol.id], type: 'CHECKIN_DUE', title: 'Your check-in is due', message: 'By Friday.' });
    expect(status).toBe(200);
    // In-app off for reviews: kept, but straight to the archive (the app's own rule).
    const stats = await carol.api.notifications.stats.query();
    expect(stats.byType.CHECKIN_DUE).toEqual({ total: 0, unread: 0, unseen: 0 });
    const archived = await carol.api.notifications.list.query({ type: 'CHECKIN_DUE', view: 'archived' });
    expect(archived.items.map((n) => n.id)).toEqual([body.recipients[0].notificationId]);
    await carol.api.preferences.update.mutate({ categories: { reviews: { inApp: null } } });

    const unknown = await call('GET', '/notification-types', { key: publisher });
    expect(unknown.body.map((t: { type: string }) => t.type)).toContain('CHECKIN_DUE');
    const list = await fetch(`${mailing.server.url}/trpc/notifications.list?input=${encodeURIComponent(JSON.stringify({ json: { type: 'NOT_A_TYPE' } }))}`, {
      headers: { authorization: `Bearer ${carol.token}` },
    });
    expect(list.status).toBe(400);
    expect(JSON.stringify(await list.json())).toContain('type NOT_A_TYPE is not a registered notification type');
  });
});
