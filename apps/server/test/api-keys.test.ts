/**
 * Administrators manage API keys (over tRPC and REST): the secret is answered once and never
 * listed, a rotation refuses the old secret at once, a revocation is for good, and every mistake
 * gets a clear 4xx. Each use is kept as `last_used_at` (to the minute) and named in the request
 * log line; a database failure while resolving a key is a retriable 503.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLog } from './support/log-lines.js';
import { failure, httpClient, login, signIn, demo, startTestServer, type Client, type TestServer } from './support/server.js';

/** The message of a REST error answer. */
const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;
const { log, written, lineWhere } = capturedLog('keys-test');
let server: TestServer;
let admin: Client;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer({ log, env: { DB_LOCK_TIMEOUT_MS: '500' } });
  adminToken = (await login(server.url, demo.admin)).token;
  admin = httpClient(server.url, adminToken);
});
afterAll(() => server?.close());

/** A call with the key, as a service makes it: plain fetch, plain JSON. */
const useKey = (secret: string) =>
  fetch(`${server.url}/api/v1/notifications/connection-stats`, { headers: { authorization: `Bearer ${secret}` } });

const rest = (method: string, path: string, body?: unknown, token = adminToken) =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the admin router', () => {
  it('creates a key whose secret is answered once, works, and is never listed', async () => {
    const created = await admin.apiKeys.create.mutate({ name: 'ops dashboard', scopes: ['connections:read'] });
    expect(created.secret).toMatch(/^pms_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'ops dashboard', scopes: ['connections:read'], hint: created.secret.slice(0, 8), lastUsedAt: null, revokedAt: null });
    expect(created.createdBy?.name).toBe('Ada Admin');
    expect((await useKey(created.secret)).status).toBe(200);

    const listed = await admin.apiKeys.list.query();
    const row = listed.find((key) => key.id === created.id)!;
    expect(row).not.toHaveProperty('secret');
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const stored = await server.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.secret); // only its hash
    expect(JSON.stringify(listed)).not.toContain(stored.secret_hash);
  });

  it('keeps scopes in one order, and refuses bad input naming the field', async () => {
    const created = await admin.apiKeys.create.mutate({ name: 'reviews', scopes: ['goals:read', 'notifications:publish'] });
    expect(created.scopes).toEqual(['notifications:publish', 'goals:read']);
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', scopes: [] }, 'scopes must name at least one scope'],
      [{ name: 'x', scopes: ['goals:read', 'goals:read'] }, 'scopes must not name a scope twice'],
      [{ name: 'x', scopes: ['goals:write'] }, 'scopes.0: scope must be one of notifications:publish, notifications:read, goals:read, users:read, connections:read'],
      [{ name: '  ', scopes: ['goals:read'] }, 'name must not be empty'],
      [{ scopes: ['goals:read'] }, 'name is required'],
      [{ name: 'x'.repeat(101), scopes: ['goals:read'] }, 'name must be at most 100 characters'],
    ];
    for (const [input, message] of cases) {
      const error = await failure(admin.apiKeys.create.mutate(input as never));
      expect(error.data?.code, message).toBe('BAD_REQUEST');
      expect(error.message).toBe(message);
    }
  });

  it('renames and rescopes a key; the new scopes apply to its next call', async () => {
    const { id, secret } = await admin.apiKeys.create.mutate({ name: 'goals sync', scopes: ['goals:read'] });
    expect((await useKey(secret)).status).toBe(403);
    const updated = await admin.apiKeys.update.mutate({ id, name: 'goals and stats sync', scopes: ['goals:read', 'connections:read'] });
    expect(updated).toMatchObject({ id, name: 'goals and stats sync', scopes: ['goals:read', 'connections:read'] });
    expect((await useKey(secret)).status).toBe(200);
    expect((await failure(admin.apiKeys.update.mutate({ id }))).message).toBe('Give a new name or new scopes: there is nothing to change');
  });

  it('rotates: a new secret for the same key, the old one refused at once', async () => {
    const before = await admin.apiKeys.create.mutate({ name: 'initiatives', scopes: ['connections:read'] });
    const after = await admin.apiKeys.rotate.mutate({ id: before.id });
    expect(after).toMatchObject({ id: before.id, name: 'initiatives', scopes: ['connections:read'], hint: after.secret.slice(0, 8) });
    expect(after.secret).not.toBe(before.secret);
    expect((await useKey(before.secret)).status).toBe(401);
    expect((await useKey(after.secret)).status).toBe(200);
  });

  it('revokes for good: refused at once, listed as revoked, and nothing more can change it', async () => {
    const { id, secret } = await admin.apiKeys.create.mutate({ name: 'old importer', scopes: ['connections:read'] });
    const revoked = await admin.apiKeys.revoke.mutate({ id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await useKey(secret)).status).toBe(401);
    expect((await admin.apiKeys.list.query()).find((key) => key.id === id)?.revokedAt).toEqual(revoked.revokedAt);

    const twice = await failure(admin.apiKeys.revoke.mutate({ id }));
    expect([twice.data?.code, twice.message]).toEqual(['CONFLICT', `The API key "old importer" (id ${id}) is already revoked`]);
    const rotate = await failure(admin.apiKeys.rotate.mutate({ id }));
    expect([rotate.data?.code, rotate.message]).toEqual(['CONFLICT', `The API key "old importer" (id ${id}) is revoked: it cannot be rotated; create a new key instead`]);
    const update = await failure(admin.apiKeys.update.mutate({ id, name: 'x' }));
    expect([update.data?.code, update.message]).toEqual(['CONFLICT', `The API key "old importer" (id ${id}) is revoked: it can no longer change`]);
  });

  it('answers NOT_FOUND naming an unknown id', async () => {
    // One call at a time: a call made before its turn would fail unawaited.
    for (const attempt of [
      () => admin.apiKeys.revoke.mutate({ id: 999_999 }),
      () => admin.apiKeys.rotate.mutate({ id: 999_999 }),
      () => admin.apiKeys.update.mutate({ id: 999_999, name: 'x' }),
    ]) {
      const error = await failure(attempt());
      expect([error.data?.code, error.message]).toEqual(['NOT_FOUND', 'No API key with id 999999']);
    }
  });

  it('is for administrators only, and never for a key', async () => {
    const alice = await signIn(server.url, demo.alice);
    expect((await failure(alice.api.apiKeys.list.query())).data?.code).toBe('FORBIDDEN');
    expect((await failure(alice.api.apiKeys.create.mutate({ name: 'mine', scopes: ['goals:read'] }))).data?.code).toBe('FORBIDDEN');
    const { secret } = await admin.apiKeys.create.mutate({ name: 'greedy', scopes: ['notifications:publish', 'notifications:read', 'goals:read', 'users:read', 'connections:read'] });
    const byKey = await rest('POST', '/api-keys', { name: 'another', scopes: ['goals:read'] }, secret);
    expect(byKey.status).toBe(403);
    expect((await messageOf(byKey))).toBe('An API key cannot call this procedure: it acts for a signed-in person');
  });
});

describe('over REST', () => {
  it('creates, lists, updates, rotates and revokes with plain JSON', async () => {
    const created = await rest('POST', '/api-keys', { name: 'crm bridge', scopes: ['users:read'] });
    expect(created.status).toBe(200);
    const key = (await created.json()) as { id: number; secret: string; createdAt: string };
    expect(key.secret).toMatch(/^pms_/);
    expect(typeof key.createdAt).toBe('string');

    const list = (await (await rest('GET', '/api-keys')).json()) as Array<Record<string, unknown>>;
    expect(list.find((row) => row.id === key.id)).toMatchObject({ name: 'crm bridge', scopes: ['users:read'] });
    expect(JSON.stringify(list)).not.toContain(key.secret);

    const patched = await rest('PATCH', `/api-keys/${key.id}`, { scopes: ['users:read', 'connections:read'] });
    expect(await patched.json()).toMatchObject({ id: key.id, name: 'crm bridge', scopes: ['users:read', 'connections:read'] });

    const rotation = await rest('POST', `/api-keys/${key.id}/rotate`, {});
    expect(rotation.status).toBe(200);
    const rotated = (await rotation.json()) as { secret: string };
    expect((await useKey(key.secret)).status).toBe(401);
    expect((await useKey(rotated.secret)).status).toBe(200);

    expect((await rest('POST', `/api-keys/${key.id}/revoke`, {})).status).toBe(200);
    const again = await rest('POST', `/api-keys/${key.id}/revoke`, {});
    expect(again.status).toBe(409);
    expect((await messageOf(again))).toBe(`The API key "crm bridge" (id ${key.id}) is already revoked`);
    const missing = await rest('POST', '/api-keys/424242/rotate', {});
    expect(missing.status).toBe(404);
    expect((await messageOf(missing))).toBe('No API key with id 424242');
    expect((await rest('POST', '/api-keys', { name: 'x', scopes: [] })).status).toBe(400);
  });

  it('documents the paths in the OpenAPI document', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, any> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api-keys', '/api-keys/{id}', '/api-keys/{id}/rotate', '/api-keys/{id}/revoke']));
    expect(document.paths['/api-keys'].post.responses['200']).toBeDefined();
  });
});

describe('each use', () => {
  it('is named in the request log line by key id and name, never by its secret', async () => {
    const { id, secret } = await admin.apiKeys.create.mutate({ name: 'reviews module', scopes: ['connections:read'] });
    const response = await fetch(`${server.url}/api/v1/notifications/connection-stats`, { headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'key-call-1' } });
    expect(response.status).toBe(200);
    const refused = await fetch(`${server.url}/trpc/goals.mine`, { headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'key-call-2' } });
    expect(refused.status).toBe(403);
    expect(await lineWhere((l) => l.reqId === 'key-call-1')).toMatchObject({ msg: 'request', apiKeyId: id, apiKeyName: 'reviews module', userId: null, status: 200, path: '/api/v1/notifications/connection-stats' });
    expect(await lineWhere((l) => l.reqId === 'key-call-2')).toMatchObject({ apiKeyId: id, apiKeyName: 'reviews module', status: 403 });
    for (const text of written) expect(text).not.toContain(secret);
  });

  it('keeps last_used_at to the minute, without a write per call', async () => {
    const { id, secret } = await admin.apiKeys.create.mutate({ name: 'poller', scopes: ['connections:read'] });
    const lastUsed = async () => (await server.db.selectFrom('api_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
    expect(await lastUsed()).toBeNull();
    await useKey(secret);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await useKey(secret);
    expect(await lastUsed()).toEqual(first); // within the minute: not written again
    await server.db.updateTable('api_keys').set({ last_used_at: sql`now() - interval '2 minutes'` }).where('id', '=', id).execute();
    const stale = await lastUsed();
    await useKey(secret);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(stale!.getTime());
    expect((await admin.apiKeys.list.query()).find((key) => key.id === id)?.lastUsedAt).toEqual(await lastUsed());
  });

  it('fails as a retriable 503 when the database fails while resolving the key, and nothing else breaks', async () => {
    const { id, secret } = await admin.apiKeys.create.mutate({ name: 'unlucky', scopes: ['connections:read'] });
    // The key's row locked elsewhere: the resolving statement waits to note its use, then gives up (DB_LOCK_TIMEOUT_MS).
    const holder = await server.db.startTransaction().execute();
    await holder.selectFrom('api_keys').select('id').where('id', '=', id).forUpdate().execute();
    try {
      for (const response of [await useKey(secret), await fetch(`${server.url}/trpc/notifications.connectionStats`, { headers: { authorization: `Bearer ${secret}` } })]) {
        expect(response.status).toBe(503);
        expect(JSON.stringify(await response.json())).toContain('Someone else is changing the same data right now; nothing was saved. Try again.');
      }
    } finally {
      await holder.rollback().execute();
    }
    expect((await useKey(secret)).status).toBe(200);
  });
});
