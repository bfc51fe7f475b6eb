/**
 * Sessions are exact on every transport: a change to a user or a session (demotion, logout)
 * takes effect on the next call of every open socket, on every instance, also when it was made
 * while the listener was down; subscriptions deliver only what the user may see now; and
 * subscriptions are not served over HTTP at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoalEvent } from '@pms/api';
import { EventLog } from './support/event-log.js';
import { listenerOutage } from './support/listener-outage.js';
import { followNotifications, notify, sample } from './support/notifications.js';
import { demo, httpClient, outcome, signIn, startTestServer, wsClient, type Person, type TestServer } from './support/server.js';

let a: TestServer;
let b: TestServer;
let ada: Person;
beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer({ databaseUrl: a.databaseUrl });
  ada = await signIn(a.url, demo.admin);
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const PASSWORD = 'correct-horse-battery-staple-9';
let people = 0;

/** A new administrator without a supervisor (as Ada), signed in on instance `on`. */
async function newAdmin(on: TestServer): Promise<Person> {
  const email = `admin-${++people}@demo.pms`;
  await ada.api.users.create.mutate({ email, name: `Admin ${people}`, password: PASSWORD, permissions: ['admin'] });
  return signIn(on.url, email, PASSWORD);
}

const someone = () => ({ email: `created-${++people}@demo.pms`, name: 'Created', password: PASSWORD, permissions: ['admin' as const] });

describe('a demoted administrator', () => {
  it('is refused admin calls on the next call of their open socket, and over HTTP', async () => {
    const ed = await newAdmin(a);
    const socket = wsClient(a.url, ed.token);
    expect(await outcome(socket.client.users.list.query())).toBe('ok');

    await ada.api.users.update.mutate({ id: ed.id, permissions: [] });
    expect(await outcome(socket.client.users.create.mutate(someone()))).toBe('FORBIDDEN');
    expect(await outcome(ed.api.users.create.mutate(someone()))).toBe('FORBIDDEN');
    // The socket lives on, with the session as it is now.
    expect((await socket.client.auth.me.query()).permissions).toEqual([]);
    await socket.close();
  });

  it('is refused on a socket held by another instance', async () => {
    const fay = await newAdmin(b);
    const socket = wsClient(b.url, fay.token);
    const notifications = await followNotifications(socket.client);
    expect(await outcome(socket.client.users.list.query())).toBe('ok');

    await ada.api.users.update.mutate({ id: fay.id, permissions: [] }); // on instance A
    // Announcements reach B in commit order: once this notification has arrived, so has the demotion.
    await notify(a.db, [sample(fay.id, 1)]);
    await notifications.take(1);
    expect(await outcome(socket.client.users.create.mutate(someone()))).toBe('FORBIDDEN');
    notifications.close();
    await socket.close();
  });

  it('is refused over HTTP by another instance that had the session in hand', async () => {
    const gus = await newAdmin(b);
    const onB = httpClient(b.url, gus.token);
    expect(await outcome(onB.users.list.query())).toBe('ok'); // B now keeps Gus's session
    const socket = wsClient(b.url, gus.token);
    const notifications = await followNotifications(socket.client);

    await ada.api.users.update.mutate({ id: gus.id, permissions: [] }); // on instance A
    await notify(a.db, [sample(gus.id, 1)]);
    await notifications.take(1); // the demotion's announcement has reached B
    expect(await outcome(onB.users.list.query())).toBe('FORBIDDEN');
    expect((await onB.auth.me.query()).permissions).toEqual([]);
    notifications.close();
    await socket.close();
  });

  it('no longer receives goals they saw as an administrator, even when demoted during a listener outage', async () => {
    const hal = await newAdmin(a);
    const socket = wsClient(a.url, hal.token);
    const head = await a.db.selectFrom('users').select('last_event_seq').where('id', '=', hal.id).executeTakeFirstOrThrow();
    const goals = await EventLog.open<GoalEvent>(socket.client.goals.onEvent, String(head.last_event_seq));

    const outage = await listenerOutage([a, b]);
    // Ada has no supervisor: administrators see her goals, and their streams get its events.
    const adasGoal = await ada.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Seen by administrators' });
    await httpClient(b.url, ada.token).users.update.mutate({ id: hal.id, permissions: [] });
    await outage.end();

    // The catch-up after the reconnect reads Ada's goal event; Hal may no longer see it.
    const own = await hal.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'My own goal' });
    const [first] = await goals.take(1);
    expect(first!.data.goal.id).toBe(own.id);
    expect(goals.received.map((event) => event.data.goal.id)).not.toContain(adasGoal.id);
    goals.close();
    await socket.close();
  });
});

describe('a session ended while the listener is down', () => {
  it('refuses calls during the outage and closes idle sockets once the listener is back', async () => {
    const bob = await signIn(a.url, demo.bob);
    const [calling, idle] = [wsClient(a.url, bob.token), wsClient(a.url, bob.token)];
    for (const socket of [calling, idle]) expect(await outcome(socket.client.auth.me.query())).toBe('ok');

    const outage = await listenerOutage([a, b]);
    await httpClient(b.url, bob.token).auth.logout.mutate(); // announced, but A is not listening
    expect(await outcome(calling.client.auth.me.query())).toBe('UNAUTHORIZED');
    expect((await calling.closed).code).toBe(1008);
    await outage.end();
    expect((await idle.closed).code).toBe(1008);
    await Promise.all([calling.close(), idle.close()]);
  });

  it('closes the sockets of a user deactivated during the outage once the listener is back', async () => {
    const carol = await signIn(a.url, demo.carol);
    const socket = wsClient(a.url, carol.token);
    expect(await outcome(socket.client.auth.me.query())).toBe('ok');

    const outage = await listenerOutage([a, b]);
    await httpClient(b.url, ada.token).users.update.mutate({ id: carol.id, active: false });
    await outage.end();
    expect((await socket.closed).code).toBe(1008);
    await socket.close();
  });
});

describe('HTTP calls of a known session', () => {
  it('are refused at once after logout on the same instance, and on another once it hears of it', async () => {
    const bob = await signIn(a.url, demo.bob);
    const [onA, onB] = [httpClient(a.url, bob.token), httpClient(b.url, bob.token)];
    for (const api of [onA, onB]) expect(await outcome(api.auth.me.query())).toBe('ok');
    const watcher = await signIn(b.url, demo.dave);
    const socket = wsClient(b.url, watcher.token);
    const notifications = await followNotifications(socket.client);

    await onA.auth.logout.mutate();
    expect(await outcome(onA.auth.me.query())).toBe('UNAUTHORIZED');
    await notify(a.db, [sample(watcher.id, 1)]);
    await notifications.take(1); // the logout's announcement has reached B
    expect(await outcome(onB.auth.me.query())).toBe('UNAUTHORIZED');
    notifications.close();
    await socket.close();
  });

  it('read the session again while the listener is down, so a change made meanwhile counts', async () => {
    const ivy = await newAdmin(a);
    const onA = httpClient(a.url, ivy.token);
    expect(await outcome(onA.users.list.query())).toBe('ok');

    const outage = await listenerOutage([a, b]);
    await httpClient(b.url, ada.token).users.update.mutate({ id: ivy.id, permissions: [] }); // A does not hear of it
    expect(await outcome(onA.users.list.query())).toBe('FORBIDDEN');
    await outage.end();
    expect(await outcome(onA.users.list.query())).toBe('FORBIDDEN');
  });
});

describe('subscriptions over HTTP (Server-Sent Events)', () => {
  it('are refused before any stream starts', async () => {
    const dave = await signIn(a.url, demo.dave);
    for (const path of ['notifications.onEvent', 'goals.onEvent', 'goals%2EonEvent']) {
      const response = await fetch(`${a.url}/trpc/${path}`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${dave.token}` },
      });
      const contentType = response.headers.get('content-type');
      const body = contentType?.startsWith('application/json') ? await response.json() : await response.body?.cancel();
      expect({ status: response.status, contentType }).toEqual({ status: 405, contentType: 'application/json' });
      expect(body).toMatchObject({
        error: { json: { message: 'Subscriptions are served over WebSocket only', data: { code: 'METHOD_NOT_SUPPORTED' } } },
      });
    }
  });
});
