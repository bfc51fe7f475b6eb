/**
 * The per-key rate limit (API_KEY_REQUESTS_PER_MINUTE, here 3): counted per call, per key, in
 * PostgreSQL, so two instances on one database share it; beyond it 429 with Retry-After on /trpc
 * and /api/v1 alike, while another key goes on. When the count's store fails, calls go through.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueApiKey } from '@pms/api';
import { capturedLog } from './support/log-lines.js';
import { startTestServer, type TestServer } from './support/server.js';

/** The message of a REST error answer. */
const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;
const LIMIT = 3;
const { log, written, lineWhere } = capturedLog('limits');
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  const env = { API_KEY_REQUESTS_PER_MINUTE: String(LIMIT) };
  first = await startTestServer({ env, log });
  second = await startTestServer({ env, databaseUrl: first.databaseUrl });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

const newKey = (name: string) => issueApiKey(first.db, { name, scopes: ['connections:read'], createdBy: null });
const restCall = (server: TestServer, secret: string) =>
  fetch(`${server.url}/api/v1/notifications/connection-stats`, { headers: { authorization: `Bearer ${secret}` } });
const trpcCall = (server: TestServer, secret: string) =>
  fetch(`${server.url}/trpc/notifications.connectionStats`, { headers: { authorization: `Bearer ${secret}` } });

it('refuses a key beyond its calls per minute, across instances, with Retry-After, and only that key', async () => {
  const busy = await newKey('chatty importer');
  const quiet = await newKey('quiet poller');
  // Spread over both instances: one count.
  expect((await restCall(first, busy.secret)).status).toBe(200);
  expect((await trpcCall(second, busy.secret)).status).toBe(200);
  expect((await restCall(second, busy.secret)).status).toBe(200);

  for (const response of [await restCall(first, busy.secret), await restCall(second, busy.secret)]) {
    expect(response.status).toBe(429);
    const seconds = Number(response.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect((await messageOf(response))).toMatch(/^The API key "chatty importer" made more than 3 calls in a minute; try again in (\d+ seconds?|1 minute)$/);
  }
  const overTrpc = await trpcCall(first, busy.secret);
  expect(overTrpc.status).toBe(429);
  expect(Number(overTrpc.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = (await overTrpc.json()) as { error: { json: { data: { code: string; retryAfterSeconds: number } } } };
  expect(body.error.json.data.code).toBe('TOO_MANY_REQUESTS');
  expect(body.error.json.data.retryAfterSeconds).toBe(Number(overTrpc.headers.get('retry-after')));

  expect((await restCall(first, quiet.secret)).status).toBe(200);
  expect((await restCall(second, quiet.secret)).status).toBe(200);
});

it('counts each call of a batched request', async () => {
  const { secret } = await newKey('batcher');
  const batchOfTwo = () =>
    fetch(`${first.url}/trpc/notifications.connectionStats,notifications.connectionStats?batch=1`, { headers: { authorization: `Bearer ${secret}` } });
  expect((await batchOfTwo()).status).toBe(200);
  const refused = await batchOfTwo(); // two more make four: over three, so both calls are refused
  expect(refused.status).toBe(429);
  const answers = (await refused.json()) as Array<{ error: { json: { data: { code: string } } } }>;
  expect(answers.map((answer) => answer.error.json.data.code)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
});

it('lets calls through when the count cannot be kept, and says so in the log', async () => {
  const { id, secret } = await newKey('during an outage of the counts');
  await sql`alter table rate_limits rename to rate_limits_away`.execute(first.db);
  try {
    for (let call = 0; call < LIMIT + 2; call++) expect((await restCall(first, secret)).status).toBe(200);
  } finally {
    await sql`alter table rate_limits_away rename to rate_limits`.execute(first.db);
  }
  const line = await lineWhere((l) => l.apiKeyId === id && l.msg.startsWith('api key rate limit'));
  expect(line).toMatchObject({ level: 'warn', msg: 'api key rate limit: the rate_limits store failed; call let through' });
});
