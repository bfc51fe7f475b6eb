/**
 * Notifications that carry a request (approve or reject a submitted goal, accept or decline an
 * assigned one) and resolve themselves: whoever decides, from wherever, every recipient's
 * notification of the request shows the outcome, live on every device, in the deciding
 * transaction. Real server, real clients over HTTP and WebSocket.
 */
import { TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NotificationEvent } from '@pms/api';
import { addPerson, connect, useDemoServer, type Live } from './support/goals.js';
import { notify, sample } from './support/notifications.js';
import { failure, signIn, type Person } from './support/server.js';

const { server, people, closeAfterAll } = useDemoServer();

async function live(person: Person): Promise<Live> {
  return closeAfterAll(await connect(server, person));
}

/** The next notification event on a live stream, which must be of `kind`. */
async function next<K extends NotificationEvent['kind']>(person: Live, kind: K): Promise<Extract<NotificationEvent, { kind: K }>> {
  const [event] = await person.notifications.take(1);
  if (event?.data.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(event?.data)}`);
  return event.data as Extract<NotificationEvent, { kind: K }>;
}

/** Every notification of a request, whoever received it, as stored. */
function notificationsOf(requestKey: string) {
  return server.db
    .selectFrom('notifications')
    .select(['id', 'recipient_id as recipientId', 'type', 'resolved_at as resolvedAt', 'resolution', 'read_at as readAt', 'seen_at as seenAt'])
    .where('request_key', '=', requestKey)
    .orderBy('id')
    .execute();
}

/** The badge and unread counts of one recipient for one goal, by the inbox semantics (COMMON.md). */
async function countsFor(recipientId: number, goalId: number) {
  return server.db
    .selectFrom('notifications')
    .select([
      sql<number>`count(*) filter (where seen_at is null and resolved_at is null)::int`.as('unseen'),
      sql<number>`count(*) filter (where read_at is null and resolved_at is null)::int`.as('unread'),
    ])
    .where('recipient_id', '=', recipientId)
    .where('archived_at', 'is', null)
    .where('snoozed_until', 'is', null)
    .where(sql<boolean>`(data->>'goalId')::int = ${goalId}`)
    .executeTakeFirstOrThrow();
}

describe('a submitted goal', () => {
  it('offers its approver approve and reject, grouped by who submitted, and resolves live on every device once approved', async () => {
    const [phone, laptop] = [await live(people.sam), await live(people.sam)];
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Document the API' });

    const offered = (await next(phone, 'created')).notification;
    expect(offered).toMatchObject({
      type: 'GOAL_SUBMITTED',
      actions: [
        { kind: 'approve', goalId: goal.id },
        { kind: 'reject', goalId: goal.id },
      ],
      groupKey: `GOAL_SUBMITTED:actor:${people.alice.id}`,
      resolvedAt: null,
      resolution: null,
    });
    expect((await next(laptop, 'created')).notification.id).toBe(offered.id);
    expect(await notificationsOf(`goal:${goal.id}:approval`)).toMatchObject([{ id: offered.id, recipientId: people.sam.id, resolvedAt: null }]);
    expect(await countsFor(people.sam.id, goal.id)).toEqual({ unseen: 1, unread: 1 });

    // Sam approves from his phone; both devices see the request decided.
    await phone.api.goals.approve.mutate({ id: goal.id });
    const resolution = { outcome: 'APPROVED', byId: people.sam.id, byName: 'Sam Supervisor', reason: null };
    for (const device of [phone, laptop]) {
      const resolved = await next(device, 'resolved');
      expect(resolved).toMatchObject({ ids: [offered.id], resolution });
      expect(resolved.resolvedAt).toBeInstanceOf(Date);
    }
    const [stored] = await notificationsOf(`goal:${goal.id}:approval`);
    expect(stored).toMatchObject({ resolution, readAt: null, seenAt: null });
    expect(stored!.resolvedAt).toEqual((laptop.notifications.received.at(-1)!.data as { resolvedAt: Date }).resolvedAt);
    // Untouched read_at and seen_at, yet out of the badge and the unread count.
    expect(await countsFor(people.sam.id, goal.id)).toEqual({ unseen: 0, unread: 0 });

    // Listed with its outcome and without actions.
    const { items } = await people.sam.api.notifications.list.query({ limit: 10 });
    expect(items.find((n) => n.id === offered.id)).toMatchObject({ resolution, actions: [] });

    // A retried approval changes nothing and announces nothing again.
    await laptop.api.goals.approve.mutate({ id: goal.id });
    const resolvedEvents = await server.db
      .selectFrom('user_events')
      .select('seq')
      .where('user_id', '=', people.sam.id)
      .where('kind', '=', 'resolved')
      .where(sql<boolean>`payload->'ids' @> ${JSON.stringify([offered.id])}::jsonb`)
      .execute();
    expect(resolvedEvents).toHaveLength(1);
  });

  it('groups a person’s submissions together, and one goal’s progress updates together', async () => {
    const goals = [
      await people.carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'First of many' }),
      await people.carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Second of many' }),
    ];
    const groups = await server.db
      .selectFrom('notifications')
      .select(['group_key as groupKey', 'request_key as requestKey'])
      .where('recipient_id', '=', people.olivia.id)
      .where(sql<boolean>`(data->>'goalId')::int in (${sql.join(goals.map((g) => g.id))})`)
      .orderBy('id')
      .execute();
    expect(groups).toEqual(goals.map((g) => ({ groupKey: `GOAL_SUBMITTED:actor:${people.carol.id}`, requestKey: `goal:${g.id}:approval` })));

    await people.olivia.api.goals.approve.mutate({ id: goals[0]!.id });
    await people.carol.api.goals.updateProgress.mutate({ id: goals[0]!.id, progress: 20 });
    await people.carol.api.goals.updateProgress.mutate({ id: goals[0]!.id, progress: 40 });
    const progress = await server.db
      .selectFrom('notifications')
      .select(['group_key as groupKey', 'request_key as requestKey', 'actions'])
      .where('type', '=', 'GOAL_PROGRESS_UPDATED')
      .where(sql<boolean>`(data->>'goalId')::int = ${goals[0]!.id}`)
      .execute();
    const ungrouped = { groupKey: `goal:${goals[0]!.id}:progress`, requestKey: null, actions: [] };
    expect(progress).toEqual([ungrouped, ungrouped]);
  });

  it('resolves as REJECTED with the reason', async () => {
    const sam = await live(people.sam);
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Too vague a goal' });
    const { notification } = await next(sam, 'created');
    await people.sam.api.goals.reject.mutate({ id: goal.id, reason: '  Say how you will measure it  ' });
    expect(await next(sam, 'resolved')).toMatchObject({
      ids: [notification.id],
      resolution: { outcome: 'REJECTED', byId: people.sam.id, byName: 'Sam Supervisor', reason: 'Say how you will measure it' },
    });
  });

  it('resolves as CANCELLED when its owner withdraws it, and the approver hears why', async () => {
    const sam = await live(people.sam);
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Withdrawn goal' });
    const { notification } = await next(sam, 'created');
    await people.alice.api.goals.cancel.mutate({ id: goal.id, reason: 'Merged into another goal' });
    const events = (await sam.notifications.take(2)).map((event) => event.data);
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'resolved',
        ids: [notification.id],
        resolution: { outcome: 'CANCELLED', byId: people.alice.id, byName: 'Alice Analyst', reason: 'Merged into another goal' },
      }),
    );
    expect(events).toContainEqual(expect.objectContaining({ kind: 'created', notification: expect.objectContaining({ type: 'GOAL_CANCELLED', actions: [] }) }));
  });
});

describe('a request that went to several approvers', () => {
  it('has one winner when two administrators approve at once, and resolves both their notifications "APPROVED by" the winner', async () => {
    const nina = await addPerson(server.url, people.admin, { email: 'nina@demo.pms', name: 'Nina Nobody', supervisorId: null });
    // A second administrator: Nina has no supervisor, so her submissions go to both.
    await people.admin.api.users.create.mutate({ email: 'aaron@demo.pms', name: 'Aaron Admin', password: 'password-123', permissions: ['admin'] });
    const admins = [people.admin, await signIn(server.url, 'aaron@demo.pms', 'password-123')];
    const [ada, other] = [await live(admins[0]!), await live(admins[1]!)];

    for (let round = 0; round < 5; round++) {
      const goal = await nina.api.goals.create.mutate({ type: 'INDIVIDUAL', title: `Contested ${round}` });
      const key = `goal:${goal.id}:approval`;
      const offered = await Promise.all([next(ada, 'created'), next(other, 'created')]);
      expect(offered.map((e) => e.notification.actions.map((a) => a.kind))).toEqual([
        ['approve', 'reject'],
        ['approve', 'reject'],
      ]);

      const results = await Promise.allSettled(admins.map((admin) => admin.api.goals.approve.mutate({ id: goal.id })));
      const winnerIndex = results.findIndex((r) => r.status === 'fulfilled');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const winner = admins[winnerIndex]!;
      const lost = results[1 - winnerIndex] as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(TRPCClientError);
      expect((lost.reason as TRPCClientError<any>).data?.code).toBe('CONFLICT');
      expect((lost.reason as Error).message).toBe(`This goal was already approved by ${winner.name}, so it cannot be approved`);

      const resolution = { outcome: 'APPROVED', byId: winner.id, byName: winner.name, reason: null };
      const stored = await notificationsOf(key);
      expect(stored.map((n) => n.recipientId).sort()).toEqual(admins.map((a) => a.id).sort());
      for (const n of stored) expect(n).toMatchObject({ resolution });
      for (const [device, { notification }] of [
        [ada, offered[0]!],
        [other, offered[1]!],
      ] as const) {
        expect(await next(device, 'resolved')).toMatchObject({ ids: [notification.id], resolution });
      }
    }
  });

  it('resolves the former supervisor’s notification when an administrator, now the owner’s supervisor, decides', async () => {
    const sam = await live(people.sam);
    const goal = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Decided above' });
    const { notification } = await next(sam, 'created');
    // Bob now reports to Ada: Sam's notification still offers actions, which he may no longer take.
    await people.admin.api.users.update.mutate({ id: people.bob.id, supervisorId: people.admin.id });
    onTestFinished(() => people.admin.api.users.update.mutate({ id: people.bob.id, supervisorId: people.sam.id }).then(() => undefined));
    expect((await failure(people.sam.api.goals.approve.mutate({ id: goal.id }))).data?.code).toBe('NOT_FOUND');

    await people.admin.api.goals.reject.mutate({ id: goal.id, reason: 'Not this year' });
    expect(await next(sam, 'resolved')).toMatchObject({
      ids: [notification.id],
      resolution: { outcome: 'REJECTED', byId: people.admin.id, byName: 'Ada Admin', reason: 'Not this year' },
    });
  });
});

describe('an assigned goal', () => {
  it('offers its owner accept and decline, resolved by their answer or by the supervisor cancelling', async () => {
    const bob = await live(people.bob);
    const cases = [
      { answer: (id: number) => people.bob.api.goals.accept.mutate({ id }), resolution: { outcome: 'ACCEPTED', byId: people.bob.id, reason: null } },
      { answer: (id: number) => people.bob.api.goals.decline.mutate({ id, reason: 'No capacity' }), resolution: { outcome: 'DECLINED', byId: people.bob.id, reason: 'No capacity' } },
      {
        answer: (id: number) => people.sam.api.goals.cancel.mutate({ id, reason: 'Plans changed' }),
        resolution: { outcome: 'CANCELLED', byId: people.sam.id, byName: 'Sam Supervisor', reason: 'Plans changed' },
      },
    ];
    for (const { answer, resolution } of cases) {
      const goal = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: `Assigned, then ${resolution.outcome}` });
      const { notification } = await next(bob, 'created');
      expect(notification).toMatchObject({
        type: 'GOAL_ASSIGNED',
        actions: [
          { kind: 'accept', goalId: goal.id },
          { kind: 'decline', goalId: goal.id },
        ],
        groupKey: `GOAL_ASSIGNED:actor:${people.sam.id}`,
      });
      await answer(goal.id);
      const events = (await bob.notifications.take(resolution.outcome === 'CANCELLED' ? 2 : 1)).map((event) => event.data);
      expect(events).toContainEqual(expect.objectContaining({ kind: 'resolved', ids: [notification.id], resolution: expect.objectContaining(resolution) }));
      expect(await notificationsOf(`goal:${goal.id}:acceptance`)).toMatchObject([{ id: notification.id, resolution }]);
    }
  });
});

describe('announcing a request again', () => {
  it('opens a new request after a rejection, and updates the open one after an edit: one row, an upserted event', async () => {
    const sam = await live(people.sam);
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Second try' });
    const first = (await next(sam, 'created')).notification;
    await people.sam.api.goals.reject.mutate({ id: goal.id, reason: 'Needs a date' });
    await next(sam, 'resolved');

    await people.alice.api.goals.submit.mutate({ id: goal.id });
    const second = (await next(sam, 'created')).notification;
    expect(second.id).not.toBe(first.id);
    expect(second.actions.map((a) => a.kind)).toEqual(['approve', 'reject']);

    // Sam reads it; Alice edits the goal while it awaits him: the same notification returns as new.
    await people.sam.api.notifications.markRead.mutate({ id: second.id });
    await next(sam, 'read');
    await people.alice.api.goals.update.mutate({ id: goal.id, title: 'Second try, by June' });
    const { notification: updated } = await next(sam, 'upserted');
    expect(updated).toMatchObject({
      id: second.id,
      message: 'Alice Analyst edited "Second try, by June", which awaits your approval',
      readAt: null,
      seenAt: null,
      actions: [
        { kind: 'approve', goalId: goal.id },
        { kind: 'reject', goalId: goal.id },
      ],
    });
    expect(updated.createdAt.getTime()).toBeGreaterThan(second.createdAt.getTime());
    const rows = await notificationsOf(`goal:${goal.id}:approval`);
    expect(rows.map((n) => [n.id, n.resolution?.outcome ?? null])).toEqual([
      [first.id, 'REJECTED'],
      [second.id, null],
    ]);

    await people.sam.api.goals.approve.mutate({ id: goal.id });
    expect(await next(sam, 'resolved')).toMatchObject({ ids: [second.id], resolution: { outcome: 'APPROVED' } });
  });

  it('through publish: the open request is updated in place (back in the inbox, snooze kept), a resolved one is not', async () => {
    const recipient = people.dave.id;
    const request = { requestKey: 'test:1:request', groupKey: 'test', actions: [{ kind: 'approve' as const, goalId: 1 }] };
    const [id] = await notify(server.db, [sample(recipient, 1, request)]);
    await server.db.updateTable('notifications').set({ archived_at: sql`now()`, seen_at: sql`now()` }).where('id', '=', id!).execute();
    expect(await notify(server.db, [sample(recipient, 2, request)])).toEqual([id]);
    const row = await server.db.selectFrom('notifications').selectAll().where('request_key', '=', 'test:1:request').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id, title: 'Notification 2', archived_at: null, seen_at: null, group_key: 'test' });
    const kinds = await server.db
      .selectFrom('user_events')
      .select('kind')
      .where('user_id', '=', recipient)
      .where(sql<boolean>`(payload->>'id')::int = ${id!}`)
      .orderBy('seq')
      .execute();
    expect(kinds.map((e) => e.kind)).toEqual(['created', 'upserted']);

    await server.db.updateTable('notifications').set({ snoozed_until: sql`now() + interval '1 hour'` }).where('id', '=', id!).execute();
    await notify(server.db, [sample(recipient, 3, request)]);
    const snoozed = await server.db.selectFrom('notifications').select(['title', 'snoozed_until']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(snoozed.title).toBe('Notification 3');
    expect(snoozed.snoozed_until).not.toBeNull();

    await server.db.updateTable('notifications').set({ resolved_at: sql`now()` }).where('id', '=', id!).execute();
    const [fresh] = await notify(server.db, [sample(recipient, 4, request)]);
    expect(fresh).not.toBe(id);
  });
});
