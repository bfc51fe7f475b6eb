/**
 * HTTP bounds: request bodies (MAX_BODY_BYTES, 1 MiB by default) and calls per batch
 * (MAX_BATCH_CALLS, 20), refused with an error that names the limit, running nothing.
 */
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@pms/api';
import { demo, failure, httpClient, login, outcome, startTestServer, type TestServer } from './support/server.js';

const MiB = 1024 * 1024;

function batchClient(url: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } })],
  });
}

/** A body of `bytes` that tRPC would happily parse, sent without a Content-Length (chunked). */
function streamedLogin(bytes: number): ReadableStream<Uint8Array> {
  const prefix = '{"json":{"email":"alice@demo.pms","password":"';
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    start: (controller) => controller.enqueue(new TextEncoder().encode(prefix)),
    pull: (controller) => {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

describe('with the default limits', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server?.close());

  it('refuses a body declared larger than 1 MiB before reading it, and keeps serving', async () => {
    const error = await failure(httpClient(server.url).auth.login.mutate({ email: demo.alice, password: 'x'.repeat(2 * MiB) }));
    expect(error.data?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.data?.httpStatus).toBe(413);
    expect(error.message).toMatch(/^The request body must be at most 1048576 bytes; this one is \d+$/);
    expect(await outcome(login(server.url, demo.alice))).toBe('ok');
  });

  it('stops a body sent without a length once it passes 1 MiB', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamedLogin(2 * MiB),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { json: { data: { code: string } } } };
    expect(body.error.json.data.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a batch of more than 20 calls, queries and mutations alike, running none of them', async () => {
    const { token } = await login(server.url, demo.bob);
    const batch = batchClient(server.url, token);
    expect(await Promise.all(Array.from({ length: 20 }, () => outcome(batch.auth.me.query())))).toEqual(Array(20).fill('ok'));

    const queries = await Promise.all(Array.from({ length: 21 }, () => failure(batch.auth.me.query())));
    for (const error of queries) {
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toBe('A batch may hold at most 20 calls; this one has 21');
    }
    const logouts = await Promise.all(Array.from({ length: 21 }, () => outcome(batch.auth.logout.mutate())));
    expect(logouts).toEqual(Array(21).fill('BAD_REQUEST'));
    expect((await httpClient(server.url, token).auth.me.query()).email).toBe(demo.bob);
  });
});

describe('configured through the environment', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ env: { MAX_BODY_BYTES: '2000', MAX_BATCH_CALLS: '2' } })));
  afterAll(() => server?.close());

  it('applies MAX_BODY_BYTES and MAX_BATCH_CALLS', async () => {
    const tooLarge = await failure(httpClient(server.url).auth.login.mutate({ email: demo.alice, password: 'x'.repeat(2000) }));
    expect(tooLarge.message).toMatch(/^The request body must be at most 2000 bytes/);
    const { token } = await login(server.url, demo.alice);
    const batch = batchClient(server.url, token);
    expect(await Promise.all([1, 2].map(() => outcome(batch.auth.me.query())))).toEqual(['ok', 'ok']);
    const tooMany = await failure(Promise.all([1, 2, 3].map(() => batch.auth.me.query())));
    expect(tooMany.message).toBe('A batch may hold at most 2 calls; this one has 3');
  });
});
