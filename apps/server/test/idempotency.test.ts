/**
 * Idempotent mutations, against a real server and PostgreSQL: a retry carrying the same
 * idempotencyKey gets the first result and changes nothing (no second goal, history row or
 * notification), also when it races the first call; the key is refused for a different request,
 * kept only when its mutation commits, per user, and purged by the retention job once expired.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitingForLock } from './support/database.js';
import { useDemoServer, type Goal } from './support/goals.js';
import { failure, wsClient } from './support/server.js';

const { server, people, closeAfterAll } = useDemoServer();

/** Goals, history rows and notifications about goals with this title. */
async function traces(title: string) {
  const goals = await server.db.selectFrom('goals').select('id').where('title', '=', title).execute();
  const ids = goals.map((goal) => goal.id);
  if (ids.length === 0) return { goals: 0, history: 0, notifications: 0 };
  const history = await server.db.selectFrom('goal_history').select('id').where('goal_id', 'in', ids).execute();
  const notifications = await server.db
    .selectFrom('notifications')
    .select('id')
    .where(sql<number>`(data->>'goalId')::int`, 'in', ids)
    .execute();
  return { goals: ids.length, history: history.length, notifications: notifications.length };
}

/** Holds `userId`'s row locked (as a stream-head bump does) until the returned function commits. */
async function holdUserRow(userId: number) {
  const hold = await server.db.startTransaction().execute();
  onTestFinished(async () => {
    if (!hold.isCommitted && !hold.isRolledBack) await hold.rollback().execute();
  });
  await hold.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  return () => hold.commit().execute();
}

async function activeGoal(title: string): Promise<Goal> {
  const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title });
  return people.sam.api.goals.approve.mutate({ id: goal.id });
}

describe('a retry with the same key', () => {
  it('goals.create: returns the first goal, and makes no second one', async () => {
    const input = { type: 'INDIVIDUAL' as const, title: 'Create once', idempotencyKey: randomUUID() };
    const first = await people.alice.api.goals.create.mutate(input);
    const retry = await people.alice.api.goals.create.mutate(input);
    expect(retry).toEqual(first);
    expect(retry.createdAt).toBeInstanceOf(Date);
    // One goal, its `create` row, and Sam's GOAL_SUBMITTED.
    expect(await traces('Create once')).toEqual({ goals: 1, history: 1, notifications: 1 });
  });

  it('goals.assign: one goal, one GOAL_ASSIGNED, also when the retry comes over a WebSocket', async () => {
    const input = { superviseeId: people.bob.id, title: 'Assign once', idempotencyKey: randomUUID() };
    const first = await people.sam.api.goals.assign.mutate(input);
    const socket = closeAfterAll(wsClient(server.url, people.sam.token)).client;
    expect(await socket.goals.assign.mutate(input)).toEqual(first);
    expect(await traces('Assign once')).toEqual({ goals: 1, history: 1, notifications: 1 });
  });

  it('goals.updateProgress: one history row and one notification', async () => {
    const goal = await activeGoal('Progress once');
    const before = await traces('Progress once');
    const input = { id: goal.id, progress: 30, note: 'A third', idempotencyKey: randomUUID() };
    const first = await people.alice.api.goals.updateProgress.mutate(input);
    expect(await people.alice.api.goals.updateProgress.mutate(input)).toEqual(first);
    expect(first).toMatchObject({ progress: 30, version: goal.version + 1 });
    expect(await traces('Progress once')).toEqual({ ...before, history: before.history + 1, notifications: before.notifications + 1 });
  });

  it('goals.complete: the retry answers with the result of the first call', async () => {
    const goal = await activeGoal('Complete once');
    const input = { id: goal.id, idempotencyKey: randomUUID() };
    const first = await people.alice.api.goals.complete.mutate(input);
    const before = await traces('Complete once');
    expect(await people.alice.api.goals.complete.mutate(input)).toEqual(first);
    expect(await traces('Complete once')).toEqual(before);
  });

  it('users.create: the same user, not a duplicate-email CONFLICT', async () => {
    const input = { email: 'retried@demo.pms', name: 'Retried Person', password: 'a-long-unusual-passphrase-42', idempotencyKey: randomUUID() };
    const first = await people.admin.api.users.create.mutate(input);
    expect(await people.admin.api.users.create.mutate(input)).toEqual(first);
    const rows = await server.db.selectFrom('users').select('id').where('email', '=', 'retried@demo.pms').execute();
    expect(rows).toEqual([{ id: first.id }]);
  });
});

describe('two retries at once', () => {
  it('the second waits on the first one’s key and returns its result', async () => {
    const input = { type: 'INDIVIDUAL' as const, title: 'Create during a retry', idempotencyKey: randomUUID() };
    // The first call claims the key, then waits to tell Sam (his stream head is locked).
    const release = await holdUserRow(people.sam.id);
    const first = people.alice.api.goals.create.mutate(input);
    await waitingForLock(server.db);
    // The second waits on the first's key row.
    const second = people.alice.api.goals.create.mutate(input);
    await waitingForLock(server.db, undefined, 2);
    await release();

    const [a, b] = await Promise.all([first, second]);
    expect(b).toEqual(a);
    expect(await traces('Create during a retry')).toEqual({ goals: 1, history: 1, notifications: 1 });
  });

  it('a decision sent twice at once, without a key: both answered with the goal, one history row', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Approved twice at once' });
    const release = await holdUserRow(people.alice.id);
    const first = people.sam.api.goals.approve.mutate({ id: goal.id });
    await waitingForLock(server.db);
    const second = people.sam.api.goals.approve.mutate({ id: goal.id });
    await waitingForLock(server.db, undefined, 2);
    await release();

    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ status: 'ACTIVE', version: 2 });
    expect(b).toMatchObject({ status: 'ACTIVE', version: 2 });
    // create + approve; GOAL_SUBMITTED + GOAL_APPROVED.
    expect(await traces('Approved twice at once')).toEqual({ goals: 1, history: 2, notifications: 2 });
  });
});

describe('the key', () => {
  it('is refused for a different input or procedure, saying so', async () => {
    const idempotencyKey = randomUUID();
    await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Keyed goal', idempotencyKey });
    const otherInput = await failure(people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Another goal', idempotencyKey }));
    expect(otherInput.data?.code).toBe('UNPROCESSABLE_CONTENT');
    expect(otherInput.message).toBe('idempotencyKey was already used for a different request');
    const goal = await activeGoal('Keyed progress');
    const otherProcedure = await failure(people.alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 10, idempotencyKey }));
    expect(otherProcedure.data?.code).toBe('UNPROCESSABLE_CONTENT');
    expect(await traces('Another goal')).toEqual({ goals: 0, history: 0, notifications: 0 });
    expect((await people.alice.api.goals.byId.query({ id: goal.id })).progress).toBe(0);
  });

  it('belongs to its user: the same key from someone else is a request of their own', async () => {
    const idempotencyKey = randomUUID();
    const alices = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Same key, two people', idempotencyKey });
    const bobs = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Same key, two people', idempotencyKey });
    expect(bobs.id).not.toBe(alices.id);
    expect(bobs.owner.id).toBe(people.bob.id);
  });

  it('must be a UUID', async () => {
    const error = await failure(people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Bad key', idempotencyKey: 'retry-1' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('idempotencyKey must be a UUID');
  });

  it('is kept only when its mutation commits', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Not active yet' });
    const input = { id: goal.id, progress: 20, idempotencyKey: randomUUID() };
    expect((await failure(people.alice.api.goals.updateProgress.mutate(input))).data?.code).toBe('CONFLICT');
    expect(await server.db.selectFrom('idempotency_keys').select('key').where('key', '=', input.idempotencyKey).execute()).toEqual([]);
    await people.sam.api.goals.approve.mutate({ id: goal.id });
    // The failed attempt left nothing behind: the same submission now goes through.
    expect(await people.alice.api.goals.updateProgress.mutate(input)).toMatchObject({ progress: 20 });
  });

  it('expires after a day: the retention job deletes it, and an expired key is a new request', async () => {
    const idempotencyKey = randomUUID();
    await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Before expiry', idempotencyKey });
    const age = (hours: number) =>
      server.db
        .updateTable('idempotency_keys')
        .set({ created_at: sql`now() - make_interval(hours => ${hours})` })
        .where('key', '=', idempotencyKey)
        .execute();
    await age(23);
    expect((await server.app.retention.sweep()).expiredIdempotencyKeys.deleted).toBe(0);
    await age(25);
    const after = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'After expiry', idempotencyKey });
    expect(after.title).toBe('After expiry');

    await age(25);
    expect((await server.app.retention.sweep()).expiredIdempotencyKeys.deleted).toBe(1);
    expect(await server.db.selectFrom('idempotency_keys').select('key').where('key', '=', idempotencyKey).execute()).toEqual([]);
  });
});
