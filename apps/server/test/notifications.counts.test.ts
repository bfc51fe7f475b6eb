/**
 * The stored counts behind `notifications.stats` (notification_counts, kept by triggers): after
 * every kind of change, under concurrent changes, and over random sequences of changes, stats
 * equal a recount of every row, and nothing deadlocks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { foldCounts } from '@pms/api';
import { createDatabase, migrateToLatest, migrations } from '@pms/db';
import type { NotificationPriority, NotificationType } from '@pms/shared';
import { freshDatabase } from './support/database.js';
import { useDemoServer, type DemoName } from './support/goals.js';
import { recountStats } from './support/inbox.js';
import { notify, sample } from './support/notifications.js';
import { outcome, type Person } from './support/server.js';
import { until } from './support/until.js';

const { server, people } = useDemoServer();

/** Stats through the API equal the recount; returns them. */
async function expectExact(person: Person, after: string) {
  const { lastEventId: _, ...stats } = await person.api.notifications.stats.query();
  expect(stats, `${person.name}'s stats after ${after}`).toEqual(await recountStats(server.db, person.id));
  return stats;
}

/** Keys (type, priority) of a person stored in more than one row after a fold: none. */
async function unfoldedKeys(recipientId: number) {
  await server.app.countFolding.fold();
  const { rows } = await sql`
    select type, priority, count(*)::int as rows from notification_counts
    where recipient_id = ${recipientId} group by type, priority having count(*) > 1`.execute(server.db);
  return rows;
}

const expire = (ids: number[]) =>
  server.db.updateTable('notifications').set({ expires_at: sql`now() - interval '1 minute'` }).where('id', 'in', ids).execute();

/**
 * One transaction inserting a notification for each person in turn, pausing between them, the way
 * a job might that does not go through publish: two of them in opposite orders both hold some of
 * the same counts keys while they touch the others'.
 */
function insertOneByOne(persons: Person[], priority: NotificationPriority) {
  return server.db.transaction().execute(async (trx) => {
    for (const person of persons) {
      await trx
        .insertInto('notifications')
        .values({ recipient_id: person.id, type: 'REVIEW_DUE', priority, title: 'Review', message: 'Due', data: '{}', expires_at: sql<Date>`now() + interval '1 day'` })
        .execute();
      await sleep(50);
    }
  });
}

const snoozeReturned = (id: number) => async () =>
  (await server.db.selectFrom('notifications').select('snoozed_until').where('id', '=', id).executeTakeFirstOrThrow()).snoozed_until === null;

describe('stored counts', () => {
  it('equal a recount after every kind of change', async () => {
    const { alice, sam } = people;
    const api = alice.api.notifications;
    const [a, b, c, d, e, f, g, h] = (await notify(server.db, [
      sample(alice.id, 1, { type: 'GOAL_APPROVED', priority: 'HIGH' }),
      sample(alice.id, 2),
      sample(alice.id, 3, { priority: 'URGENT' }),
      sample(alice.id, 4, { type: 'GOAL_ASSIGNED', priority: 'LOW' }),
      sample(alice.id, 5, { type: 'REVIEW_DUE' }),
      sample(alice.id, 6),
      sample(alice.id, 7, { type: 'GOAL_COMPLETED', priority: 'LOW' }),
      sample(alice.id, 8),
    ])) as [number, number, number, number, number, number, number, number];
    const published = await expectExact(alice, 'publish');
    expect(published).toMatchObject({ totalCount: 8, unreadCount: 8, unseenCount: 8 });

    await api.markSeen.mutate({ ids: [a, b] });
    await expectExact(alice, 'markSeen');
    await api.setRead.mutate({ ids: [a, c], read: true });
    await expectExact(alice, 'setRead');
    await api.setRead.mutate({ ids: [c], read: false });
    await expectExact(alice, 'setRead false');
    await api.markRead.mutate({ id: b });
    await expectExact(alice, 'markRead');
    await api.setArchived.mutate({ ids: [c, d], archived: true });
    await expectExact(alice, 'setArchived');
    await api.setArchived.mutate({ ids: [d], archived: false });
    await expectExact(alice, 'setArchived false');
    expect(await api.archiveAllRead.mutate()).toEqual({ count: 2 });
    await expectExact(alice, 'archiveAllRead');
    await api.markAllRead.mutate();
    expect(await expectExact(alice, 'markAllRead')).toMatchObject({ unreadCount: 0 });

    await api.snooze.mutate({ id: d, until: new Date(Date.now() + 3_600_000) });
    expect(await expectExact(alice, 'snooze')).toMatchObject({ snoozedCount: 1 });
    await api.unsnooze.mutate({ id: d });
    await expectExact(alice, 'unsnooze');
    await api.snooze.mutate({ id: e, until: new Date(Date.now() + 1_000) });
    await until(snoozeReturned(e), 'the return job brought it back');
    expect(await expectExact(alice, 'the return job')).toMatchObject({ snoozedCount: 0, unreadCount: 2 });

    await api.delete.mutate({ id: f });
    await expectExact(alice, 'delete');
    await expire([g]);
    const expired = await expectExact(alice, 'expiry (not deleted yet)');
    expect(expired.byType.GOAL_COMPLETED).toEqual({ total: 0, unread: 0, unseen: 0 });
    await server.db.updateTable('notifications').set({ read_at: sql`now() - interval '8 days'` }).where('id', '=', h).execute();
    const report = await server.app.retention.sweep();
    expect(report.expiredNotifications.deleted).toBeGreaterThanOrEqual(1);
    expect(report.readNotifications.deleted).toBeGreaterThanOrEqual(1);
    expect((await expectExact(alice, 'retention deletes')).totalCount).toBe(expired.totalCount - 1); // h; g was out already

    // An open request announced again updates its row, here moving it to another type and priority.
    const [request] = await notify(server.db, [sample(alice.id, 9, { requestKey: 'counts:1', priority: 'HIGH' })]);
    await api.markRead.mutate({ id: request! });
    const [again] = await notify(server.db, [sample(alice.id, 10, { requestKey: 'counts:1', type: 'GOAL_ASSIGNED', priority: 'LOW' })]);
    expect(again).toBe(request);
    expect((await expectExact(alice, 'an open request announced again')).byPriority.LOW.unread).toBeGreaterThanOrEqual(1);

    // A request decided elsewhere resolves its notifications: they leave unread and unseen.
    const before = await expectExact(sam, 'nothing yet');
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Counted goal' });
    expect((await expectExact(sam, 'a goal awaiting approval')).unreadCount).toBe(before.unreadCount + 1);
    await sam.api.goals.approve.mutate({ id: goal.id });
    expect((await expectExact(sam, 'resolution')).unreadCount).toBe(before.unreadCount);
    await expectExact(alice, 'her goal approved');

    expect(await unfoldedKeys(alice.id)).toEqual([]);
    expect(await unfoldedKeys(sam.id)).toEqual([]);
  });

  it('never wait on each other: two transactions adding to the same people in opposite orders both commit', async () => {
    const { alice, bob, carol } = people;
    await insertOneByOne([alice, bob, carol], 'URGENT'); // stored counts rows of these keys, for both to take
    const before = await Promise.all([alice, bob, carol].map((person) => expectExact(person, 'nothing yet')));
    const started = Date.now();
    await Promise.all([insertOneByOne([alice, bob, carol], 'URGENT'), insertOneByOne([carol, bob, alice], 'URGENT')]);
    expect(Date.now() - started).toBeLessThan(1_000); // a lock wait would last lock_timeout or deadlock_timeout
    for (const [i, person] of [alice, bob, carol].entries()) {
      expect((await expectExact(person, 'both')).byPriority.URGENT.total).toBe(before[i]!.byPriority.URGENT.total + 2);
    }
  });

  it('fold into one row per key, one fold at a time across instances, the counts unchanged', async () => {
    const { alice, bob } = people;
    await notify(server.db, Array.from({ length: 30 }, (_, n) => sample(n % 2 ? alice.id : bob.id, n, { priority: n % 3 ? 'LOW' : 'HIGH' })));
    const before = await Promise.all([alice, bob].map((person) => expectExact(person, 'publishing')));
    const { rows: pending } = await sql<{ n: number }>`select count(*)::int as n from notification_counts where pending`.execute(server.db);
    expect(pending[0]!.n).toBeGreaterThan(0);

    // Two instances' folds at once: the advisory lock lets one fold and the other skip (null).
    const folds = await Promise.all([foldCounts(server.db), foldCounts(server.db)]);
    expect(folds.filter((keys) => keys === null).length).toBeLessThanOrEqual(1);
    await server.app.countFolding.fold();
    const { rows: left } = await sql<{ n: number }>`select count(*)::int as n from notification_counts where pending`.execute(server.db);
    expect(left[0]!.n).toBe(0);
    expect(await unfoldedKeys(alice.id)).toEqual([]);
    expect(await Promise.all([alice, bob].map((person) => expectExact(person, 'folding')))).toEqual(before);
  });

  it('are backfilled by the migration from the notifications already there', async () => {
    const database = await freshDatabase({ empty: true });
    const db = createDatabase({ connectionString: database.url, max: 1 });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('2026_12_03_0001_inbox')).error).toBeUndefined();
      await sql`insert into users (email, name, password_hash) select 'p' || n || '@example.test', 'P' || n, 'x' from generate_series(1, 3) as n`.execute(db);
      // Every combination of the states, over types and priorities, for three people.
      await sql`
        insert into notifications (recipient_id, type, priority, title, message, expires_at, read_at, seen_at, archived_at, snoozed_until, resolved_at)
        select 1 + n % 3, (array['GOAL_SUBMITTED', 'REVIEW_DUE'])[1 + n % 2], (array['LOW', 'HIGH', 'URGENT'])[1 + n % 3], 't', 'm', now() + interval '1 day',
          case when n & 1 > 0 then now() end, case when n & 2 > 0 then now() end, case when n & 4 > 0 then now() end,
          case when n & 8 > 0 then now() + interval '1 hour' end, case when n & 16 > 0 then now() end
        from generate_series(1, 400) as n`.execute(db);
      await migrateToLatest(db);

      const users = await db.selectFrom('users').select('id').execute();
      for (const { id } of users) {
        const { byType, byPriority, ...totals } = await recountStats(db, id);
        const stored = await db.selectFrom('notification_counts').selectAll().where('recipient_id', '=', id).execute();
        const sum = (field: 'total' | 'unread' | 'unseen' | 'archived' | 'snoozed', rows = stored) => rows.reduce((n, row) => n + row[field], 0);
        expect({ totalCount: sum('total'), unreadCount: sum('unread'), unseenCount: sum('unseen'), archivedCount: sum('archived'), snoozedCount: sum('snoozed') }).toEqual(totals);
        expect(totals.totalCount).toBeGreaterThan(0);
        for (const type of ['GOAL_SUBMITTED', 'REVIEW_DUE'] as const) {
          const ofType = stored.filter((row) => row.type === type);
          expect({ total: sum('total', ofType), unread: sum('unread', ofType), unseen: sum('unseen', ofType) }).toEqual(byType[type]);
        }
        for (const priority of ['LOW', 'HIGH', 'URGENT'] as const) {
          const ofPriority = stored.filter((row) => row.priority === priority);
          expect({ total: sum('total', ofPriority), unread: sum('unread', ofPriority), unseen: sum('unseen', ofPriority) }).toEqual(byPriority[priority]);
        }
      }
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  it('stay exact, without a deadlock, under concurrent publishes, state changes, resolutions, deletes and retention', async () => {
    const everyone = Object.values(people);
    let seed = 7; // a fixed sequence of choices (Park-Miller), so a failure replays
    const random = (below: number) => (seed = (seed * 48_271) % 2_147_483_647) % below;
    const types: NotificationType[] = ['GOAL_SUBMITTED', 'GOAL_APPROVED', 'REVIEW_DUE'];
    const priorities: NotificationPriority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
    const someone = (n: number, person: Person) =>
      sample(person.id, n, { type: types[random(types.length)]!, priority: priorities[random(priorities.length)]! });

    // Each person's own notifications to act on, one returning from a snooze meanwhile, some expired.
    const own = new Map<number, number[]>();
    for (const person of everyone) own.set(person.id, await notify(server.db, Array.from({ length: 16 }, (_, n) => someone(n, person))));
    for (const person of everyone) await person.api.notifications.snooze.mutate({ id: own.get(person.id)![15]!, until: new Date(Date.now() + 1_500) });
    await expire(everyone.map((person) => own.get(person.id)![14]!));
    const goals = await Promise.all(
      (['alice', 'bob', 'carol', 'dave'] as DemoName[]).flatMap((name) => [1, 2].map((n) => people[name].api.goals.create.mutate({ type: 'INDIVIDUAL', title: `Race ${n}` }))),
    );

    const work: Array<() => Promise<unknown>> = [];
    // Publishes to overlapping recipients, listed in random orders, some of them the same open requests.
    for (let n = 0; n < 40; n++) {
      const recipients = everyone.filter(() => random(2) === 0).sort(() => random(3) - 1);
      const requestKey = random(3) === 0 ? `race:${random(4)}` : undefined;
      work.push(() => notify(server.db, recipients.map((person) => ({ ...someone(100 + n, person), requestKey }))));
    }
    // Each person's own changes.
    for (const person of everyone) {
      const [ids, api] = [own.get(person.id)!, person.api.notifications];
      work.push(
        () => api.setRead.mutate({ ids: ids.slice(0, 6), read: true }),
        () => api.setRead.mutate({ ids: ids.slice(3, 5), read: false }),
        () => api.setArchived.mutate({ ids: ids.slice(5, 9), archived: true }),
        () => api.markSeen.mutate({ ids: ids.slice(7, 12) }),
        () => api.delete.mutate({ id: ids[12]! }),
        () => api.delete.mutate({ id: ids[13]! }),
        () => api.markAllRead.mutate(),
        () => api.archiveAllRead.mutate(),
      );
    }
    // Decisions resolving the supervisors' requests; changes spanning everyone, in either order.
    for (const goal of goals) {
      const supervisor = goal.owner.supervisorId === people.olivia.id ? people.olivia : people.sam;
      work.push(() => (goal.id % 2 ? supervisor.api.goals.approve.mutate({ id: goal.id }) : supervisor.api.goals.reject.mutate({ id: goal.id, reason: 'Not now' })));
    }
    for (const order of [everyone, [...everyone].reverse()]) work.push(() => insertOneByOne(order, 'LOW'));
    work.push(() => server.app.retention.sweep());
    for (let n = 0; n < 4; n++) work.push(() => foldCounts(server.db)); // folds meanwhile, several at once

    const shuffled = work.sort(() => random(3) - 1);
    const results = await Promise.allSettled(shuffled.map((run) => run()));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);

    await until(async () => (await Promise.all(everyone.map((person) => snoozeReturned(own.get(person.id)![15]!)()))).every(Boolean), 'every snooze returned');
    for (const person of everyone) await expectExact(person, 'the concurrent changes');
  });

  it('equal a recount after any sequence of changes (property)', async () => {
    const cast = [people.bob, people.carol];
    const visibleIds = async (person: Person) =>
      (await server.db.selectFrom('notifications').select('id').where('recipient_id', '=', person.id).where('expires_at', '>', sql<Date>`now()`).orderBy('id').execute()).map((row) => row.id);
    /** Some of the person's visible notifications, chosen by position. */
    const pick = async (person: Person, slots: number[]) => {
      const ids = await visibleIds(person);
      return ids.length === 0 ? [] : [...new Set(slots.map((slot) => ids[slot % ids.length]!))];
    };
    const slots = fc.array(fc.nat(50), { minLength: 1, maxLength: 4 });
    const person = fc.constantFrom(0, 1).map((i) => cast[i]!);
    const type = fc.constantFrom<NotificationType>('GOAL_SUBMITTED', 'GOAL_APPROVED', 'REVIEW_DUE');
    const priority = fc.constantFrom<NotificationPriority>('LOW', 'NORMAL', 'URGENT');
    type Step = () => Promise<unknown>;
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ to: fc.subarray(cast, { minLength: 1 }), type, priority, request: fc.option(fc.nat(2)) }).map(
        ({ to, type, priority, request }): Step => () =>
          notify(server.db, to.map((p, n) => sample(p.id, n, { type, priority, requestKey: request === null ? null : `prop:${request}` }))),
      ),
      fc.record({ person, slots }).map(({ person, slots }): Step => async () => {
        const ids = await pick(person, slots);
        if (ids.length) await person.api.notifications.markSeen.mutate({ ids });
      }),
      fc.record({ person, slots, on: fc.boolean() }).map(({ person, slots, on }): Step => async () => {
        const ids = await pick(person, slots);
        if (ids.length) await person.api.notifications.setRead.mutate({ ids, read: on });
      }),
      fc.record({ person, slots, on: fc.boolean() }).map(({ person, slots, on }): Step => async () => {
        const ids = await pick(person, slots);
        if (ids.length) await person.api.notifications.setArchived.mutate({ ids, archived: on });
      }),
      person.map((person): Step => () => person.api.notifications.archiveAllRead.mutate()),
      person.map((person): Step => () => person.api.notifications.markAllRead.mutate()),
      fc.record({ person, slots, back: fc.boolean() }).map(({ person, slots, back }): Step => async () => {
        const [id] = await pick(person, slots);
        if (id === undefined) return;
        const call = back ? person.api.notifications.unsnooze.mutate({ id }) : person.api.notifications.snooze.mutate({ id, until: new Date(Date.now() + 3_600_000) });
        expect(['ok', 'BAD_REQUEST']).toContain(await outcome(call)); // archived or resolved ones are not snoozed
      }),
      fc.record({ person, slots }).map(({ person, slots }): Step => async () => {
        const [id] = await pick(person, slots);
        if (id !== undefined) await person.api.notifications.delete.mutate({ id });
      }),
      fc.record({ person, slots }).map(({ person, slots }): Step => async () => {
        const ids = await pick(person, slots);
        if (ids.length) await expire(ids);
      }),
      fc.constant((): Promise<unknown> => server.app.retention.sweep()),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        for (const run of steps) await run();
        for (const p of cast) await expectExact(p, 'the sequence');
      }),
      { numRuns: 25 },
    );
    for (const p of cast) expect(await unfoldedKeys(p.id)).toEqual([]);
  });
});
