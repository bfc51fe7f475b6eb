import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, failure, httpClient, login, startTestServer, type Client, type TestServer } from './support/server.js';

let server: TestServer;
let admin: Client;
const ids: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer();
  admin = httpClient(server.url, (await login(server.url, demo.admin)).token);
  for (const user of await admin.users.list.query()) ids[user.email.split('@')[0]!] = user.id;
});
afterAll(() => server.close());

/** The code and message a call fails with. */
async function codeOf(promise: Promise<unknown>) {
  const error = await failure(promise);
  return { code: error.data?.code, message: error.message };
}

async function as(email: string) {
  return httpClient(server.url, (await login(server.url, email)).token);
}

describe('admin-only procedures', () => {
  const calls = {
    'users.list': (c: Client) => c.users.list.query(),
    'users.create': (c: Client) => c.users.create.mutate({ email: 'x@demo.pms', name: 'X', password: 'password-123' }),
    'users.update': (c: Client) => c.users.update.mutate({ id: ids.alice!, name: 'Renamed' }),
  };
  for (const [name, call] of Object.entries(calls)) {
    it.each([
      ['a supervisor', demo.sam, 'FORBIDDEN'],
      ['a supervisee', demo.alice, 'FORBIDDEN'],
      ['nobody signed in', null, 'UNAUTHORIZED'],
    ])(`${name} refuses %s`, async (_who, email, code) => {
      const client = email ? await as(email) : httpClient(server.url);
      expect((await codeOf(call(client))).code).toBe(code);
    });
  }

  it('lets an admin list, create and update users', async () => {
    expect((await admin.users.list.query()).map((u) => u.email)).toContain(demo.alice);
    const created = await admin.users.create.mutate({
      email: '  New.Person@Demo.PMS ',
      name: ' New Person ',
      password: 'password-123',
      supervisorId: ids.olivia!,
      permissions: ['goal_create_quarterly', 'goal_create_quarterly'],
    });
    expect(created).toMatchObject({ email: 'new.person@demo.pms', name: 'New Person', supervisorId: ids.olivia, permissions: ['goal_create_quarterly'], active: true });
    const updated = await admin.users.update.mutate({ id: created.id, name: 'Renamed Person', permissions: [] });
    expect(updated).toMatchObject({ name: 'Renamed Person', permissions: [] });
    const signedIn = await login(server.url, 'new.person@demo.pms', 'password-123');
    expect(signedIn.user.name).toBe('Renamed Person');
  });

  it('refuses a duplicate email with CONFLICT', async () => {
    const { code, message } = await codeOf(admin.users.create.mutate({ email: demo.bob, name: 'Bob again', password: 'password-123' }));
    expect(code).toBe('CONFLICT');
    expect(message).toContain('email');
  });

  it('names every bad field', async () => {
    const { code, message } = await codeOf(
      admin.users.create.mutate({ email: 'nope', name: '   ', password: 'short', permissions: ['superuser' as never] }),
    );
    expect(code).toBe('BAD_REQUEST');
    for (const part of ['email', 'name must not be empty', 'password must be at least 12 characters', 'permissions']) {
      expect(message).toContain(part);
    }
  });

  it('refuses passwords under 12 characters, and common ones of any length, naming the field', async () => {
    const create = (email: string, password: string) => admin.users.create.mutate({ email, name: 'Pat', password });
    for (const short of ['password', '12345678']) {
      const error = await failure(create('short@demo.pms', short));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toBe('password must be at least 12 characters');
    }
    // Both in the list (qwerty123456 as it is, PasswordPassword without case).
    for (const common of ['qwerty123456', 'PasswordPassword']) {
      const error = await failure(create('common@demo.pms', common));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toBe('password: this password is too common; choose another');
      expect(error.data?.fieldErrors).toEqual({ password: 'this password is too common; choose another' });
    }
    expect((await admin.users.list.query()).filter((u) => /^(short|common)@/.test(u.email))).toEqual([]);

    await create('pat@demo.pms', 'violet-harbour-lantern');
    expect((await login(server.url, 'pat@demo.pms', 'violet-harbour-lantern')).user.name).toBe('Pat');
  });

  it('does not let an admin lock themselves out', async () => {
    expect((await codeOf(admin.users.update.mutate({ id: ids.admin!, active: false }))).code).toBe('BAD_REQUEST');
    expect((await codeOf(admin.users.update.mutate({ id: ids.admin!, permissions: [] }))).code).toBe('BAD_REQUEST');
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    expect((await codeOf(admin.users.update.mutate({ id: 999_999, name: 'Ghost' }))).code).toBe('NOT_FOUND');
  });
});

describe('supervisors', () => {
  it('users.supervisees lists my direct reports only', async () => {
    const sam = await as(demo.sam);
    expect((await sam.users.supervisees.query()).map((u) => u.email).sort()).toEqual([demo.alice, demo.bob]);
    const alice = await as(demo.alice);
    expect(await alice.users.supervisees.query()).toEqual([]);
  });

  it('refuses a supervisor cycle, direct or indirect', async () => {
    // admin -> sam -> alice. Making sam report to alice, or admin report to alice, closes a loop.
    for (const [id, supervisorId] of [[ids.sam, ids.alice], [ids.admin, ids.alice], [ids.alice, ids.alice]]) {
      const { code, message } = await codeOf(admin.users.update.mutate({ id: id!, supervisorId: supervisorId! }));
      expect(code).toBe('BAD_REQUEST');
      expect(message).toMatch(/supervisorId: .*(cycle|themselves)/);
    }
  });

  it('never forms a cycle when two edits race', async () => {
    // Two fresh users; each edit alone is fine, both together would be a loop.
    const a = await admin.users.create.mutate({ email: 'race-a@demo.pms', name: 'Race A', password: 'password-123' });
    const b = await admin.users.create.mutate({ email: 'race-b@demo.pms', name: 'Race B', password: 'password-123' });
    const results = await Promise.allSettled([
      admin.users.update.mutate({ id: a.id, supervisorId: b.id }),
      admin.users.update.mutate({ id: b.id, supervisorId: a.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rows = await server.db.selectFrom('users').select(['id', 'supervisor_id']).where('id', 'in', [a.id, b.id]).execute();
    expect(rows.filter((r) => r.supervisor_id !== null)).toHaveLength(1);
  });

  it('refuses an unknown or deactivated supervisor', async () => {
    expect((await codeOf(admin.users.update.mutate({ id: ids.bob!, supervisorId: 999_999 }))).message).toContain('no user with id 999999');
  });

  it('deactivating a user ends their sessions', async () => {
    const temp = await admin.users.create.mutate({ email: 'temp@demo.pms', name: 'Temp', password: 'password-123' });
    const { token } = await login(server.url, 'temp@demo.pms', 'password-123');
    await admin.users.update.mutate({ id: temp.id, active: false });
    expect((await codeOf(httpClient(server.url, token).auth.me.query())).code).toBe('UNAUTHORIZED');
  });
});
