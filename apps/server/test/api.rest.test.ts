/**
 * The REST API's ground rules, with plain fetch: a key opens only the procedures of its scopes,
 * people keep their own rules, and errors come as JSON that says what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '@pms/api';
import { login, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let adminToken: string;
let aliceToken: string;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await login(server.url, 'admin@demo.pms')).token;
  aliceToken = (await login(server.url, 'alice@demo.pms')).token;
});
afterAll(() => server?.close());

/** A plain JSON client, as another language's would be. */
const json = (response: Response): Promise<any> => response.json();

const get = (path: string, token?: string) =>
  fetch(`${server.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /api/v1/notifications/connection-stats', () => {
  it('answers a key with connections:read, in plain JSON', async () => {
    const { secret } = await issueApiKey(server.db, { name: 'ops dashboard', scopes: ['connections:read'], createdBy: null });
    const response = await get('/notifications/connection-stats', secret);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.totals.instances).toBe(1);
    expect(typeof body.instances[0].reportedAt).toBe('string'); // ISO, not superjson's envelope
  });

  it('refuses a key without the scope, naming it', async () => {
    const { secret } = await issueApiKey(server.db, { name: 'reviews module', scopes: ['notifications:publish'], createdBy: null });
    const response = await get('/notifications/connection-stats', secret);
    expect(response.status).toBe(403);
    expect((await json(response)).message).toBe('The API key "reviews module" lacks the scope connections:read');
  });

  it('refuses an unknown or revoked key as no credential', async () => {
    const { id, secret } = await issueApiKey(server.db, { name: 'old', scopes: ['connections:read'], createdBy: null });
    await server.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    expect((await get('/notifications/connection-stats', secret)).status).toBe(401);
    expect((await get('/notifications/connection-stats', 'pms_not-a-key')).status).toBe(401);
  });

  it('answers administrators, refuses other people', async () => {
    expect((await get('/notifications/connection-stats', adminToken)).status).toBe(200);
    expect((await get('/notifications/connection-stats', aliceToken)).status).toBe(403);
    expect((await get('/notifications/connection-stats')).status).toBe(401);
  });
});

it('serves its OpenAPI document', async () => {
  const document = await json(await get('/openapi.json'));
  expect(document.openapi).toMatch(/^3\.1/);
  expect(document.paths['/notifications/connection-stats'].get).toBeDefined();
});

it('refuses a key on procedures made for people', async () => {
  const { secret } = await issueApiKey(server.db, { name: 'all scopes', scopes: ['connections:read', 'notifications:read'], createdBy: null });
  const response = await fetch(`${server.url}/trpc/notifications.stats`, { headers: { authorization: `Bearer ${secret}` } });
  expect(response.status).toBe(403);
  expect(JSON.stringify(await response.json())).toContain('An API key cannot call this procedure');
});
