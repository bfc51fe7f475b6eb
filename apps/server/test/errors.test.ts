import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, failure, httpClient, login, startTestServer, type TestServer } from './support/server.js';

let production: TestServer;
let development: TestServer;
/** As `npm start` runs it: no NODE_ENV, no JWT_SECRET. */
let started: TestServer;

beforeAll(async () => {
  [production, development, started] = await Promise.all([
    startTestServer({ env: { NODE_ENV: 'production' } }),
    startTestServer({ env: { NODE_ENV: 'development' } }),
    startTestServer({ env: { NODE_ENV: '', JWT_SECRET: '' } }),
  ]);
  // Break the notifications table under every server: the next query fails inside PostgreSQL.
  for (const server of [production, development, started]) {
    await server.db.schema.alterTable('notifications').renameTo('notifications_gone').execute();
  }
});
afterAll(() => Promise.all([production.close(), development.close(), started.close()]));

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

async function statsError(server: TestServer) {
  const client = httpClient(server.url, (await login(server.url, demo.alice)).token);
  return failure(client.notifications.stats.query());
}

describe('unexpected errors', () => {
  it('reach clients in production as a generic message: no stack, no SQL', async () => {
    const error = await statsError(production);
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Internal server error');
    expect(error.data?.stack).toBeUndefined();
    expect(JSON.stringify(error.shape)).not.toMatch(/relation|does not exist|select |notifications_gone/i);
  });

  it('reach clients of `npm start` (no NODE_ENV) the same way: no stack, no absolute path', async () => {
    const error = await statsError(started);
    expect(error.message).toBe('Internal server error');
    expect(error.data?.stack).toBeUndefined();
    const shape = JSON.stringify(error.shape);
    expect(shape).not.toContain(repoRoot);
    expect(shape).not.toMatch(/relation|notifications_gone|\.ts:\d+/);
  });

  it('keep their message and stack in development (`npm run dev`), for whoever is debugging', async () => {
    const error = await statsError(development);
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toMatch(/relation "notifications" does not exist/);
    expect(error.data?.stack).toEqual(expect.any(String));
  });

  it('still name the bad field in production', async () => {
    const error = await failure(httpClient(production.url).auth.login.mutate({ email: 'nope', password: 'x' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('email must be a valid email address');
    expect(error.data?.stack).toBeUndefined();
  });
});
