import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, failure, httpClient, login, startTestServer, type TestServer } from './support/server.js';

let production: TestServer;
let development: TestServer;

beforeAll(async () => {
  [production, development] = await Promise.all([
    startTestServer({ env: { NODE_ENV: 'production' } }),
    startTestServer({ env: { NODE_ENV: 'development' } }),
  ]);
  // Break the notifications table under both servers: the next query fails inside PostgreSQL.
  for (const server of [production, development]) {
    await server.db.schema.alterTable('notifications').renameTo('notifications_gone').execute();
  }
});
afterAll(() => Promise.all([production.close(), development.close()]));

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

  it('keep their message and stack in development, for whoever is debugging', async () => {
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
