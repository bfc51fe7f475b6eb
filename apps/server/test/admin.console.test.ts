/**
 * The admin console's API: users.resetPassword (the password policy, sessions ended, idempotent),
 * supervisor cycles as the form shows them, and admin.onConnectionStats, the live connection
 * figures pushed to administrators: live, across two instances, through a database drop, and
 * cut off when the subscriber stops being an administrator or their session ends.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminQuery } from '@pms/db';
import type { ConnectionStats as Stats } from '@pms/api';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { demo, failure, httpClient, login, outcome, signIn, startTestServer, wsClient, type Client, type Person, type TestServer, type WsSession } from './support/server.js';

let server: TestServer;
let admin: Person;
const ids: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer();
  admin = await signIn(server.url, demo.admin);
  for (const user of await admin.api.users.list.query()) ids[user.email.split('@')[0]!] = user.id;
});
afterAll(() => server?.close());

let serial = 0;
/** A fresh user with a known password, so nothing here changes the demo users. */
async function newUser(permissions: Array<'admin'> = []) {
  serial += 1;
  const email = `console-${serial}@demo.pms`;
  const user = await admin.api.users.create.mutate({ email, name: `Console ${serial}`, password: 'first-password-123', permissions });
  return { ...user, password: 'first-password-123' };
}

/** Everything a stats subscription pushed, and a way to wait for the push that satisfies `test`. */
function followStats(client: Client) {
  const pushed: Stats[] = [];
  let failed: Error | null = null;
  const waiting = new Set<() => void>();
  const wake = () => [...waiting].forEach((resolve) => resolve());
  const next = () => new Promise<void>((resolve) => waiting.add(resolve)).finally(() => waiting.clear());
  const subscription = client.admin.onConnectionStats.subscribe(undefined, {
    onData: (stats) => (pushed.push(stats), wake()),
    onError: (error) => ((failed = error), wake()),
  });
  return {
    pushed,
    /** The first push from the `from`th on (default: from now on) for which `test` holds. */
    async until(test: (stats: Stats) => boolean, from = pushed.length): Promise<Stats> {
      for (let seen = from; ; ) {
        const found = pushed.slice(seen).find(test);
        if (found) return found;
        if (failed) throw failed;
        seen = pushed.length;
        await next();
      }
    },
    /** The error the subscription ended with. */
    async error(): Promise<Error> {
      while (!failed) await next();
      return failed;
    },
    stop: () => subscription.unsubscribe(),
  };
}

describe('users.resetPassword', () => {
  it('sets the new password and signs the user out everywhere: HTTP sessions refused, sockets closed', async () => {
    const user = await newUser();
    const before = await signIn(server.url, user.email, user.password);
    const socket = wsClient(server.url, before.token);
    expect((await socket.client.auth.me.query()).id).toBe(user.id);

    const reset = await admin.api.users.resetPassword.mutate({ id: user.id, password: 'second-password-456' });
    expect(reset).toMatchObject({ id: user.id, email: user.email, active: true });
    expect(reset).not.toHaveProperty('passwordHash');

    expect((await socket.closed).code).toBe(1008);
    expect((await failure(before.api.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    expect((await failure(login(server.url, user.email, user.password))).data?.code).toBe('UNAUTHORIZED');
    expect((await login(server.url, user.email, 'second-password-456')).user.id).toBe(user.id);
  });

  it('names what is wrong with a bad input, and changes nothing', async () => {
    const user = await newUser();
    const cases: Array<[unknown, string, string]> = [
      [{ id: user.id, password: 'short' }, 'BAD_REQUEST', 'password must be at least 12 characters'],
      [{ id: user.id, password: 'qwerty123456' }, 'BAD_REQUEST', 'password: this password is too common; choose another'],
      [{ id: user.id }, 'BAD_REQUEST', 'password is required'],
      [{ id: 0, password: 'a-fine-password-1' }, 'BAD_REQUEST', 'id must be positive'],
      [{ id: user.id, password: 'a-fine-password-1', idempotencyKey: 'nope' }, 'BAD_REQUEST', 'idempotencyKey must be a UUID'],
      [{ id: 999_999, password: 'a-fine-password-1' }, 'NOT_FOUND', 'No user with id 999999'],
    ];
    for (const [input, code, message] of cases) {
      const error = await failure(admin.api.users.resetPassword.mutate(input as never));
      expect(error.data?.code).toBe(code);
      expect(error.message).toBe(message);
    }
    expect((await login(server.url, user.email, user.password)).user.id).toBe(user.id);
  });

  it('does it once per idempotencyKey: a retry ends no session opened since', async () => {
    const user = await newUser();
    const idempotencyKey = randomUUID();
    const input = { id: user.id, password: 'third-password-789', idempotencyKey };
    const first = await admin.api.users.resetPassword.mutate(input);
    const after = await signIn(server.url, user.email, 'third-password-789');
    expect(await admin.api.users.resetPassword.mutate(input)).toEqual(first);
    expect((await after.api.auth.me.query()).id).toBe(user.id);
  });

  it("keeps the administrator's own current session when they reset their own password", async () => {
    const self = await newUser(['admin']);
    const current = await signIn(server.url, self.email, self.password);
    const other = await signIn(server.url, self.email, self.password);
    await current.api.users.resetPassword.mutate({ id: self.id, password: 'own-new-password-1' });
    expect((await current.api.auth.me.query()).id).toBe(self.id);
    expect((await failure(other.api.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
  });
});

describe('supervisors as the users screen sets them', () => {
  it('refuses a cycle with a message naming supervisorId, and changes nothing', async () => {
    const boss = await newUser();
    const report = await newUser();
    await admin.api.users.update.mutate({ id: report.id, supervisorId: boss.id });
    const error = await failure(admin.api.users.update.mutate({ id: boss.id, supervisorId: report.id, name: 'Renamed' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^supervisorId: this would make a supervisor cycle/);
    const users = await admin.api.users.list.query();
    expect(users.find((u) => u.id === boss.id)).toMatchObject({ supervisorId: null, name: boss.name });
  });

  it('refuses a deactivated supervisor by name of the field', async () => {
    const gone = await newUser();
    const report = await newUser();
    await admin.api.users.update.mutate({ id: gone.id, active: false });
    expect((await failure(admin.api.users.update.mutate({ id: report.id, supervisorId: gone.id }))).message).toBe('supervisorId: that user is deactivated');
    await admin.api.users.update.mutate({ id: gone.id, active: true }); // reactivated: allowed again
    expect((await admin.api.users.update.mutate({ id: report.id, supervisorId: gone.id })).supervisorId).toBe(gone.id);
  });
});

describe('who may call the new procedures', () => {
  const people = [
    ['an administrator', demo.admin, 'ok'],
    ['a supervisor', demo.sam, 'FORBIDDEN'],
    ['a supervisee', demo.alice, 'FORBIDDEN'],
    ['nobody signed in', null, 'UNAUTHORIZED'],
  ] as const;

  it.each(people)('users.resetPassword: %s gets %s', async (_who, email, expected) => {
    const target = await newUser();
    const client = email ? (await signIn(server.url, email)).api : httpClient(server.url);
    expect(await outcome(client.users.resetPassword.mutate({ id: target.id, password: 'matrix-password-12' }))).toBe(expected);
  });

  it.each(people)('admin.onConnectionStats: %s gets %s', async (_who, email, expected) => {
    const socket = wsClient(server.url, email ? (await login(server.url, email)).token : undefined);
    const stats = followStats(socket.client);
    expect(await outcome(stats.until(() => true))).toBe(expected);
    stats.stop();
    await socket.close();
  });
});

describe('admin.onConnectionStats', () => {
  let watcher: WsSession;
  beforeAll(() => {
    watcher = wsClient(server.url, admin.token);
  });
  afterAll(() => watcher.close());

  it('pushes the figures when another person connects and leaves, without being asked again', async () => {
    const stats = followStats(watcher.client);
    // Only the watcher's socket, with this subscription (the earlier tests' sockets are gone).
    const first = await stats.until((s) => s.totals.sockets === 1 && s.totals.subscriptions === 1);
    expect(first).toMatchObject({ live: true, totals: { instances: 1, users: 1 } });
    expect(first.instances[0]).toMatchObject({ instanceId: server.app.deps.config.instanceId, sockets: 1, users: 1, subscriptions: 1 });
    expect(first.instances[0]!.startedAt).toBeInstanceOf(Date);

    const beforeBob = stats.pushed.length;
    const bob = wsClient(server.url, (await login(server.url, demo.bob)).token);
    const bobsStream = bob.client.notifications.onEvent.subscribe({}, {});
    await stats.until((s) => s.totals.sockets === 2 && s.totals.users === 2 && s.totals.subscriptions === 2, beforeBob);

    const bobThere = stats.pushed.length;
    bobsStream.unsubscribe();
    await bob.close();
    await stats.until((s) => s.totals.sockets === 1 && s.totals.users === 1 && s.totals.subscriptions === 1, bobThere);
    stats.stop();
  });

  it('cuts off a subscriber whose admin permission is removed', async () => {
    const deputy = await newUser(['admin']);
    const socket = wsClient(server.url, (await login(server.url, deputy.email, deputy.password)).token);
    const stats = followStats(socket.client);
    await stats.until(() => true);
    await admin.api.users.update.mutate({ id: deputy.id, permissions: [] });
    const error = await stats.error();
    expect(error.message).toBe('Only administrators may do this');
    // The socket stays for what the deputy may still do.
    expect((await socket.client.auth.me.query()).permissions).toEqual([]);
    await socket.close();
  });

  it("ends with the socket of a subscriber whose session is revoked", async () => {
    const deputy = await newUser(['admin']);
    const socket = wsClient(server.url, (await login(server.url, deputy.email, deputy.password)).token);
    const stats = followStats(socket.client);
    await stats.until(() => true);
    await admin.api.users.update.mutate({ id: deputy.id, active: false });
    expect((await socket.closed).code).toBe(1008);
  });
});

describe('admin.onConnectionStats across instances and a database drop', () => {
  let proxy: TcpProxy;
  let second: TestServer;
  beforeAll(async () => {
    // The second instance reaches the database through a proxy that can refuse it.
    proxy = await startTcpProxy(server.databaseUrl);
    second = await startTestServer({ databaseUrl: proxy.url, env: { INSTANCE_ID: 'instance-b' } });
  });
  afterAll(async () => {
    await second?.close();
    await proxy?.close();
  });

  it('shows both instances, and goes on through a database drop, paused meanwhile', async () => {
    const watcher = wsClient(second.url, (await login(second.url, demo.admin)).token);
    const stats = followStats(watcher.client);
    const both = await stats.until((s) => s.instances.some((i) => i.instanceId === 'instance-b' && i.subscriptions === 1) && s.totals.instances === 2);
    expect(both.instances.map((i) => i.instanceId)).toContain(server.app.deps.config.instanceId);

    // The database goes: every connection of the second instance ends, and new ones are refused.
    const beforeDrop = stats.pushed.length;
    proxy.refuse();
    const name = new URL(server.databaseUrl).pathname.slice(1);
    await adminQuery(inject('postgresAdminUrl'), `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`);
    const paused = await stats.until((s) => !s.live, beforeDrop);
    expect(paused.totals).toEqual(both.totals); // the last figures, marked paused

    // Back: the same subscription is live again, and sees a socket opened on the first instance.
    const beforeReturn = stats.pushed.length;
    proxy.accept();
    const carol = wsClient(server.url, (await login(server.url, demo.carol)).token);
    await carol.client.auth.me.query();
    const back = await stats.until((s) => s.live && s.totals.sockets === both.totals.sockets + 1, beforeReturn);
    expect(back.totals.instances).toBe(2);
    await carol.close();
    stats.stop();
    await watcher.close();
  });

  it('drops an instance from the figures as soon as it stops', async () => {
    const stats = followStats(wsClient(server.url, admin.token).client);
    await stats.until((s) => s.totals.instances === 2);
    const beforeThird = stats.pushed.length;
    const third = await startTestServer({ databaseUrl: server.databaseUrl, env: { INSTANCE_ID: 'instance-c' } });
    await stats.until((s) => s.instances.some((i) => i.instanceId === 'instance-c'), beforeThird);
    const beforeStop = stats.pushed.length;
    await third.close();
    const after = await stats.until((s) => !s.instances.some((i) => i.instanceId === 'instance-c'), beforeStop);
    expect(after.totals.instances).toBe(2);
    stats.stop();
  });
});
