/**
 * Bad input never reaches a 500 (issue 8, item 5): the cases seen in the field, against a server
 * in its own process so that its log can be read. inputs.property.test.ts generates the rest.
 */
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { hashPassword, type AppRouter } from '@pms/api';
import { createDatabase, DEMO_PASSWORD, seedDemo, type DB } from '@pms/db';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { freshDatabase } from './support/database.js';
import { demo, failure, signIn, type Person } from './support/server.js';

const MALFORMED_COOKIE = 'pms_session=%E0%A4%A';
const INT4_MAX = 2_147_483_647;

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: DB;
let server: ChildServer;
let admin: Person;
let sam: Person;

beforeAll(async () => {
  database = await freshDatabase();
  db = createDatabase({ connectionString: database.url, max: 2 });
  await seedDemo(db, hashPassword);
  server = await startChildServer(database.url, 'inputs-test');
  [admin, sam] = await Promise.all([signIn(server.url, demo.admin), signIn(server.url, demo.sam)]);
});
afterAll(async () => {
  await server.close();
  await db.destroy();
  await database.drop();
});

/** An HTTP client sending `cookie` as a browser would: with the app's own Origin. */
function cookieClient(cookie: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: { cookie, origin: server.url } })],
  });
}

/** A WebSocket client whose upgrade request carries `cookie`, as a browser's does. */
function cookieSocket(cookie: string) {
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: ClientOptions) {
      super(url, protocols, { ...options, headers: { cookie } });
    }
  }
  const socket = createWSClient({ url: `${server.url.replace('http', 'ws')}/trpc`, WebSocket: CookieWebSocket as never });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socket, transformer: superjson })] }), close: () => socket.close() };
}

const goalCount = async () => (await db.selectFrom('goals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

async function badRequest(call: Promise<unknown>, message: string) {
  const error = await failure(call);
  expect(error.data?.code).toBe('BAD_REQUEST');
  expect(error.message).toContain(message);
}

describe('a malformed session cookie', () => {
  it('means no session: the browser holding it signs in again, and queries answer UNAUTHORIZED', async () => {
    const browser = cookieClient(MALFORMED_COOKIE);
    const { user } = await browser.auth.login.mutate({ email: demo.alice, password: DEMO_PASSWORD });
    expect(user.email).toBe(demo.alice);
    expect((await failure(browser.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
  });

  it('means no session on a WebSocket too', async () => {
    const socket = cookieSocket(MALFORMED_COOKIE);
    try {
      expect((await failure(socket.client.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    } finally {
      await socket.close();
    }
  });
});

describe('ids', () => {
  it('above int4 are refused, naming the field', async () => {
    const [goal] = (await sam.api.goals.mine.query({ limit: 1 })).items;
    await badRequest(sam.api.goals.byId.query({ id: INT4_MAX + 1 }), `id must be between 1 and ${INT4_MAX}`);
    await badRequest(sam.api.goals.mine.query({ cursor: INT4_MAX + 1 }), 'cursor must be between');
    await badRequest(
      sam.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Aligned', parentGoalId: INT4_MAX + 1 }),
      'parentGoalId must be between',
    );
    await badRequest(sam.api.goals.update.mutate({ id: goal!.id, version: INT4_MAX + 1, title: 'Renamed' }), 'version must be between');
    await badRequest(admin.api.users.update.mutate({ id: INT4_MAX + 1, name: 'Nobody' }), 'id must be between');
    await badRequest(admin.api.users.update.mutate({ id: sam.id, supervisorId: INT4_MAX + 1 }), 'supervisorId must be between');
  });

  it('of notifications (bigint) go up to 2^53 - 1', async () => {
    expect((await failure(sam.api.notifications.markRead.mutate({ id: INT4_MAX + 1 }))).data?.code).toBe('NOT_FOUND');
    await badRequest(sam.api.notifications.markRead.mutate({ id: 2 ** 53 }), `id must be between 1 and ${Number.MAX_SAFE_INTEGER}`);
    await badRequest(sam.api.notifications.list.query({ cursor: 2 ** 53 }), 'cursor must be between');
  });

  it('are numbers, never coerced from arrays, booleans or text', async () => {
    for (const id of [[1], true, '1']) {
      await badRequest(sam.api.goals.byId.query({ id } as never), 'id must be a number');
    }
    await badRequest(sam.api.notifications.list.query({ limit: '5' } as never), 'limit must be a number');
  });
});

describe('text with NUL characters', () => {
  it('is refused, naming the field, and nothing is stored', async () => {
    const before = await goalCount();
    await badRequest(sam.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Ship\u0000it' }), 'title must not contain NUL characters');
    await badRequest(
      sam.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Ship it', description: 'a\u0000b' }),
      'description must not contain NUL characters',
    );
    await badRequest(admin.api.users.update.mutate({ id: sam.id, name: 'Sam\u0000' }), 'name must not contain NUL characters');
    await badRequest(
      admin.api.users.create.mutate({ email: 'nul@demo.pms', name: 'N\u0000L', password: 'long-enough-password' }),
      'name must not contain NUL characters',
    );
    await badRequest(sam.api.auth.login.mutate({ email: demo.sam, password: 'x\u0000' }), 'password must not contain NUL characters');
    expect(await goalCount()).toBe(before);
    expect(await db.selectFrom('users').select('name').where('id', '=', sam.id).executeTakeFirstOrThrow()).toEqual({ name: 'Sam Supervisor' });
  });
});

describe('text', () => {
  it('is bounded, emails included', async () => {
    const email = `${'a'.repeat(250)}@demo.pms`;
    await badRequest(
      admin.api.users.create.mutate({ email, name: 'Long', password: 'long-enough-password' }),
      'email must be at most 254 characters',
    );
  });
});

describe('dates', () => {
  it('outside the years goals may have are refused, naming the field', async () => {
    await badRequest(
      sam.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Last century', dueDate: '1999-06-30' }),
      'dueDate must be in a year between',
    );
  });
});

describe('a request path', () => {
  it('that is not valid percent-encoding is refused as a bad request', async () => {
    const response = await fetch(`${server.url}/trpc/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { json: { data: { code: 'BAD_REQUEST' } } } });
  });
});

describe('the server log', () => {
  it('shows no stack for any of the above', async () => {
    await server.close(); // drains its output
    expect(server.output()).toContain('serving the PMS');
    expect(server.output()).not.toMatch(/(\n|\\n)\s+at /);
  });
});
