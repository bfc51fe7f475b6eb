import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '@pms/db';
import { failOnCrashes } from './support/crashes.js';
import { EventLog } from './support/event-log.js';
import { followNotifications, notify, sample, userIdOf, type NotificationLog } from './support/notifications.js';
import { demo, failure, signIn, startTestServer, wsClient, type Person, type TestServer, type WsSession } from './support/server.js';
import { until } from './support/until.js';

let server: TestServer;
const sockets: WsSession[] = [];
beforeAll(async () => (server = await startTestServer()));
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.close();
});
failOnCrashes();

function device(person: Person): WsSession {
  const socket = wsClient(server.url, person.token);
  sockets.push(socket);
  return socket;
}

/** Two devices of `person` following their notifications from now. */
async function twoDevices(person: Person): Promise<NotificationLog[]> {
  return [await followNotifications(device(person).client), await followNotifications(device(person).client)];
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function row(db: DB, id: number) {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Return jobs enqueued for a notification (pg-boss's table). */
async function returnJobs(db: DB, id: number) {
  const { rows } = await sql<{ state: string; start_after: Date }>`
    select state, start_after from pgboss.job where name = 'notification.return' and (data->>'notificationId')::bigint = ${id}
  `.execute(db);
  return rows;
}

/** Stream events of one kind naming this notification, as stored. */
async function storedEvents(db: DB, id: number, kind: string): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from user_events
    where topic = 'notification' and kind = ${kind}
      and (payload->>'id' = ${String(id)} or payload->'ids' @> ${JSON.stringify([id])}::jsonb)
  `.execute(db);
  return rows[0]!.count;
}

describe('notifications.snooze', () => {
  it('hides a notification from the inbox and tells every device of its recipient', async () => {
    const alice = await signIn(server.url, demo.alice);
    const logs = await twoDevices(alice);
    const [id] = await notify(server.db, [sample(alice.id, 1)]);
    for (const log of logs) await log.take(1);

    const snoozedUntil = inSeconds(3600);
    const view = await alice.api.notifications.snooze.mutate({ id: id!, until: snoozedUntil });
    expect(view).toMatchObject({ id, snoozedUntil });

    // Out of the inbox (archived_at is null and snoozed_until is null).
    const inbox = await server.db
      .selectFrom('notifications')
      .select('id')
      .where('recipient_id', '=', alice.id)
      .where('archived_at', 'is', null)
      .where('snoozed_until', 'is', null)
      .execute();
    expect(inbox.map((n) => n.id)).not.toContain(id);
    for (const log of logs) {
      const [event] = await log.take(1);
      expect(event!.data).toEqual({ kind: 'state', ids: [id], change: { snoozedUntil } });
    }
    // Its return is waiting in the queue for that time.
    expect(await returnJobs(server.db, id!)).toEqual([{ state: 'created', start_after: snoozedUntil }]);
    for (const log of logs) log.close();
  });

  it('brings it back live, as new, at its time: one upserted event on every device', async () => {
    const bob = await signIn(server.url, demo.bob);
    const logs = await twoDevices(bob);
    const [id] = await notify(server.db, [sample(bob.id, 1)]);
    await bob.api.notifications.markRead.mutate({ id: id! });
    await server.db.updateTable('notifications').set({ seen_at: new Date() }).where('id', '=', id!).execute();
    for (const log of logs) await log.take(2); // created, read

    const snoozedUntil = inSeconds(1.5);
    await bob.api.notifications.snooze.mutate({ id: id!, until: snoozedUntil });
    for (const log of logs) {
      const [state, upserted] = await log.take(2);
      expect(state!.data).toMatchObject({ kind: 'state', change: { snoozedUntil } });
      expect(upserted!.data).toMatchObject({
        kind: 'upserted',
        notification: { id, snoozedUntil: null, readAt: null, seenAt: null, title: 'Notification 1' },
      });
    }
    const returnedAt = Date.now();
    expect(returnedAt).toBeGreaterThanOrEqual(snoozedUntil.getTime());
    expect(returnedAt - snoozedUntil.getTime()).toBeLessThan(2500); // polled every 500 ms
    expect(await row(server.db, id!)).toMatchObject({ snoozed_until: null, read_at: null, seen_at: null });

    await sleep(1000);
    for (const log of logs) expect(log.received.map((event) => event.data.kind)).toEqual(['created', 'read', 'state', 'upserted']);
    expect(await storedEvents(server.db, id!, 'upserted')).toBe(1);
    for (const log of logs) log.close();
  });

  it('gives a device that was away both events, exactly once, when it resumes with lastEventId', async () => {
    const carol = await signIn(server.url, demo.carol);
    const socket = device(carol);
    const live = await followNotifications(socket.client);
    const [id] = await notify(server.db, [sample(carol.id, 1)]);
    const [created] = await live.take(1);
    live.close();

    await carol.api.notifications.snooze.mutate({ id: id!, until: inSeconds(1) });
    await until(async () => (await row(server.db, id!)).snoozed_until === null, 'it returned');

    const resumed = await EventLog.open(socket.client.notifications.onEvent, created!.id);
    const events = await resumed.take(2);
    expect(events.map((event) => event.data.kind)).toEqual(['state', 'upserted']);
    await sleep(500);
    expect(resumed.received).toHaveLength(2);
    resumed.close();
  });

  it('moves the time when snoozed again: the earlier job finds nothing to do', async () => {
    const dave = await signIn(server.url, demo.dave);
    const [log] = [await followNotifications(device(dave).client)];
    const [id] = await notify(server.db, [sample(dave.id, 1)]);
    await log!.take(1);

    await dave.api.notifications.snooze.mutate({ id: id!, until: inSeconds(1) });
    const later = inSeconds(3);
    await dave.api.notifications.snooze.mutate({ id: id!, until: later });
    await sleep(2000); // the first job has come and gone
    expect((await row(server.db, id!)).snoozed_until).toEqual(later);
    expect(await storedEvents(server.db, id!, 'upserted')).toBe(0);

    const events = await log!.take(3);
    expect(events.map((event) => event.data.kind)).toEqual(['state', 'state', 'upserted']);
    expect(Date.now()).toBeGreaterThanOrEqual(later.getTime());
    await until(async () => (await returnJobs(server.db, id!)).every((job) => job.state === 'completed'), 'both jobs completed');
    expect(await storedEvents(server.db, id!, 'upserted')).toBe(1);
    log!.close();
  });

  it('unsnooze brings it back now, once; on one that is not snoozed it changes nothing', async () => {
    const sam = await signIn(server.url, demo.sam);
    const log = await followNotifications(device(sam).client);
    const [id] = await notify(server.db, [sample(sam.id, 1)]);
    await sam.api.notifications.snooze.mutate({ id: id!, until: inSeconds(3600) });

    const view = await sam.api.notifications.unsnooze.mutate({ id: id! });
    expect(view).toMatchObject({ id, snoozedUntil: null, readAt: null });
    const again = await sam.api.notifications.unsnooze.mutate({ id: id! });
    expect(again).toMatchObject({ id, snoozedUntil: null });

    const events = await log.take(3);
    expect(events.map((event) => event.data.kind)).toEqual(['created', 'state', 'upserted']);
    await sleep(300);
    expect(log.received).toHaveLength(3);
    log.close();
  });

  it('refuses bad inputs with errors that name them, and others’ notifications as missing', async () => {
    const olivia = await signIn(server.url, demo.olivia);
    const admin = await signIn(server.url, demo.admin);
    const [id, archived, resolved] = await notify(server.db, [sample(olivia.id, 1), sample(olivia.id, 2), sample(olivia.id, 3)]);
    await server.db.updateTable('notifications').set({ archived_at: new Date() }).where('id', '=', archived!).execute();
    await server.db.updateTable('notifications').set({ resolved_at: new Date() }).where('id', '=', resolved!).execute();
    const snooze = (input: unknown) => olivia.api.notifications.snooze.mutate(input as { id: number; until: Date });

    const cases: Array<[unknown, string, string]> = [
      [{ id, until: inSeconds(-1) }, 'BAD_REQUEST', 'until must be in the future'],
      [{ id, until: new Date(Date.now() + 367 * 86_400_000) }, 'BAD_REQUEST', 'until must be at most 366 days ahead'],
      [{ id, until: '2030-01-01T00:00:00Z' }, 'BAD_REQUEST', 'until must be a date'],
      [{ id, until: new Date(Number.NaN) }, 'BAD_REQUEST', 'until must be a date'],
      [{ id }, 'BAD_REQUEST', 'until must be a date'],
      [{ id: 0, until: inSeconds(60) }, 'BAD_REQUEST', 'id must be positive'],
      [{ id: 999_999_999, until: inSeconds(60) }, 'NOT_FOUND', 'No notification with id 999999999'],
      [{ id: archived, until: inSeconds(60) }, 'BAD_REQUEST', `Notification ${archived} is archived: only inbox notifications can be snoozed`],
      [{ id: resolved, until: inSeconds(60) }, 'BAD_REQUEST', `Notification ${resolved} is resolved: there is nothing left to come back to`],
    ];
    for (const [input, code, message] of cases) {
      const error = await failure(snooze(input));
      expect({ code: error.data?.code, message: error.message }, JSON.stringify(input)).toEqual({ code, message });
    }

    // Olivia's notification, to the admin, does not exist.
    const foreign = await failure(admin.api.notifications.snooze.mutate({ id: id!, until: inSeconds(60) }));
    expect(foreign.data?.code).toBe('NOT_FOUND');
    expect(foreign.message).toBe(`No notification with id ${id}`);
    const foreignUnsnooze = await failure(admin.api.notifications.unsnooze.mutate({ id: id! }));
    expect(foreignUnsnooze.data?.code).toBe('NOT_FOUND');

    // Nothing changed, nothing was queued.
    for (const n of [id!, archived!, resolved!]) {
      expect((await row(server.db, n)).snoozed_until).toBeNull();
      expect(await returnJobs(server.db, n)).toEqual([]);
    }
  });

  it('a notification that expired or was deleted while snoozed does not come back', async () => {
    const alice = await signIn(server.url, demo.alice);
    const [gone] = await notify(server.db, [sample(alice.id, 9)]);
    await alice.api.notifications.snooze.mutate({ id: gone!, until: inSeconds(1) });
    await alice.api.notifications.delete.mutate({ id: gone! });
    await until(async () => (await returnJobs(server.db, gone!))[0]?.state === 'completed', 'its job ran');
    expect(await storedEvents(server.db, gone!, 'upserted')).toBe(0);
  });
});
