/**
 * @pms/client against a real server: its runnable example (as a service would run it, with tsx)
 * publishes an initiative notification that reaches its recipient live, and the client's types
 * and errors are the server's.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPmsClient, TRPCClientError } from '@pms/client';
import { issueApiKey } from '@pms/api';
import { followNotifications } from './support/notifications.js';
import { demo, signIn, startTestServer, wsClient, type Person, type TestServer } from './support/server.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

let server: TestServer;
let alice: Person;
let apiKey: string;
beforeAll(async () => {
  server = await startTestServer();
  alice = await signIn(server.url, demo.alice);
  apiKey = (await issueApiKey(server.db, { name: 'initiatives module', scopes: ['notifications:publish', 'notifications:read'], createdBy: null })).secret;
});
afterAll(() => server?.close());

it('the example publishes an initiative notification; its recipient receives it live', async () => {
  const socket = wsClient(server.url, alice.token);
  try {
    const live = await followNotifications(socket.client);
    const { stdout } = await run('npx', ['tsx', 'packages/client/examples/publish-initiative.ts', demo.alice], {
      cwd: repoRoot,
      env: { ...process.env, PMS_URL: server.url, PMS_API_KEY: apiKey },
    });
    const publication = JSON.parse(stdout);
    expect(publication.recipients).toMatchObject([{ userId: alice.id, email: demo.alice }]);
    const [event] = await live.take(1);
    expect(event!.data).toMatchObject({
      kind: 'created',
      notification: { id: publication.recipients[0].notificationId, type: 'INITIATIVE_ASSIGNED', title: 'You lead the onboarding initiative' },
    });
    live.close();
  } finally {
    await socket.close();
  }
});

it('is typed from the router: publications, types, and the server refusals as TRPCClientError', async () => {
  const pms = createPmsClient({ url: `${server.url}/`, apiKey });
  const [types, publication] = await Promise.all([
    pms.notificationTypes.list.query(),
    pms.notifications.publish.mutate({ recipients: [alice.id], type: 'REVIEW_DUE', title: 'Your review is due', message: 'By Friday.' }),
  ]);
  expect(types.map((t) => t.type)).toContain('REVIEW_DUE');
  const state = await pms.notifications.publication.query({ id: publication.id });
  expect(state.createdAt).toBeInstanceOf(Date); // superjson: dates stay dates
  expect(state.recipients).toMatchObject([{ userId: alice.id, state: 'unread' }]);

  // Over tRPC the idempotency key is an input: a retry answers the first publication.
  const once = { recipients: [alice.id], type: 'REVIEW_DUE', title: 'Once', message: 'Only once.', idempotencyKey: crypto.randomUUID() };
  const [first, retried] = [await pms.notifications.publish.mutate(once), await pms.notifications.publish.mutate(once)];
  expect(retried).toEqual(first);

  const refused = await pms.notifications.publish.mutate({ recipients: ['nobody@demo.pms'], type: 'REVIEW_DUE', title: 't', message: 'm' }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(TRPCClientError);
  expect((refused as TRPCClientError<never>).message).toBe('recipients: no such user: nobody@demo.pms');
  // A procedure made for people: the key is refused.
  const forPeople = await pms.notifications.stats.query().catch((e: unknown) => e);
  expect((forPeople as TRPCClientError<never>).message).toContain('An API key cannot call this procedure');
  expect(() => createPmsClient({ url: server.url, apiKey: 'a session token' })).toThrow('apiKey must be an API key');
});
