/**
 * Reopening a declined goal: its creator may edit it, its owner's supervisor assigns it again
 * (reassign), which reopens the owner's acceptance request and keeps the decline in the history.
 * Who may, from which status (the other statuses: goals.transitions), and what everyone is told.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { aliceGoals, connect, goalIn, useDemoServer } from './support/goals.js';
import { failure, httpClient, outcome } from './support/server.js';

const { server, people, closeAfterAll } = useDemoServer();
const alices = aliceGoals(people);

/** Alice's notifications about one goal, oldest first: type, title, open or how decided, actions. */
async function aliceHears(goalId: number) {
  return server.db
    .selectFrom('notifications')
    .select(['type', 'title', 'message', 'resolution', 'request_key as requestKey', 'actions'])
    .where('recipient_id', '=', people.alice.id)
    .where(sql<number>`(data->>'goalId')::int`, '=', goalId)
    .orderBy('id')
    .execute();
}

describe('reassign', () => {
  it('lets the supervisor reword a declined goal and assign it again: the owner is asked once more', async () => {
    const goal = await goalIn(alices.assigned, 'DECLINED');
    expect(goal.allowedActions).toEqual([]);
    expect((await people.sam.api.goals.byId.query({ id: goal.id })).allowedActions).toEqual(['edit', 'reassign', 'cancel']);

    const aliceLive = closeAfterAll(await connect(server, people.alice));
    const edited = await people.sam.api.goals.update.mutate({ id: goal.id, version: goal.version, title: 'Assigned goal, half the scope' });
    expect(edited.status).toBe('DECLINED');
    const reopened = await people.sam.api.goals.reassign.mutate({ id: goal.id });
    expect(reopened).toMatchObject({ status: 'PENDING_ACCEPTANCE', lastReason: 'No capacity', version: goal.version + 2 });

    // Alice sees both live (she is the goal's owner), the second with her answers back.
    const [edit, event] = await aliceLive.goals.take(2);
    expect([edit!.data.action, event!.data.action]).toEqual(['edit', 'reassign']);
    expect(event!.data.goal).toMatchObject({ id: goal.id, status: 'PENDING_ACCEPTANCE', allowedActions: ['accept', 'decline'] });
    const requestKey = `goal:${goal.id}:acceptance`;
    const actions = [
      { kind: 'accept', goalId: goal.id },
      { kind: 'decline', goalId: goal.id },
    ];
    expect(await aliceHears(goal.id)).toEqual([
      { type: 'GOAL_ASSIGNED', title: 'New goal assigned to you', message: 'Sam Supervisor assigned you "Assigned goal"', resolution: expect.objectContaining({ outcome: 'DECLINED' }), requestKey, actions },
      {
        type: 'GOAL_ASSIGNED',
        title: 'Goal assigned to you again',
        message: 'Sam Supervisor assigned you "Assigned goal, half the scope" again',
        resolution: null,
        requestKey,
        actions,
      },
    ]);

    // Accepting decides the reopened request.
    await people.alice.api.goals.accept.mutate({ id: goal.id });
    expect((await aliceHears(goal.id)).map((n) => n.resolution?.outcome)).toEqual(['DECLINED', 'ACCEPTED']);
    const { history } = await people.alice.api.goals.byId.query({ id: goal.id });
    expect(history.map((h) => [h.action, h.fromStatus, h.toStatus, h.actorName, h.reason])).toEqual([
      ['assign', null, 'PENDING_ACCEPTANCE', 'Sam Supervisor', null],
      ['decline', 'PENDING_ACCEPTANCE', 'DECLINED', 'Alice Analyst', 'No capacity'],
      ['edit', 'DECLINED', 'DECLINED', 'Sam Supervisor', null],
      ['reassign', 'DECLINED', 'PENDING_ACCEPTANCE', 'Sam Supervisor', null],
      ['accept', 'PENDING_ACCEPTANCE', 'ACTIVE', 'Alice Analyst', null],
    ]);
  });

  it('is for the owner’s supervisor only: the owner may neither edit nor reassign it, others do not see it', async () => {
    const goal = await goalIn(alices.assigned, 'DECLINED');
    const expected = { alice: 'FORBIDDEN', bob: 'NOT_FOUND', olivia: 'NOT_FOUND', admin: 'NOT_FOUND' } as const;
    for (const [name, code] of Object.entries(expected)) {
      const person = people[name as keyof typeof expected];
      expect([name, await outcome(person.api.goals.reassign.mutate({ id: goal.id }))]).toEqual([name, code]);
      expect([name, await outcome(person.api.goals.update.mutate({ id: goal.id, title: 'Mine now' }))]).toEqual([name, code]);
    }
    const refused = await failure(people.alice.api.goals.reassign.mutate({ id: goal.id }));
    expect(refused.message).toBe("Only the owner's supervisor or an administrator (for owners without a supervisor) may reassign this goal");
    expect((await failure(httpClient(server.url).goals.reassign.mutate({ id: goal.id }))).data?.code).toBe('UNAUTHORIZED');
    expect((await people.sam.api.goals.byId.query({ id: goal.id })).version).toBe(goal.version);
  });

  it('only from DECLINED; the same call retried answers with the goal and tells no one again', async () => {
    const pending = await goalIn(alices.assigned, 'PENDING_ACCEPTANCE');
    const early = await failure(people.sam.api.goals.reassign.mutate({ id: pending.id }));
    expect(early.message).toBe('This goal is pending acceptance, so it cannot be reassigned');

    const goal = await goalIn(alices.assigned, 'DECLINED');
    const first = await people.sam.api.goals.reassign.mutate({ id: goal.id });
    const told = (await aliceHears(goal.id)).length;
    expect(await people.sam.api.goals.reassign.mutate({ id: goal.id })).toMatchObject({ status: 'PENDING_ACCEPTANCE', version: first.version });
    expect(await aliceHears(goal.id)).toHaveLength(told);
  });

  it('two devices reassigning at once: one change, Alice told once, both answered with the goal', async () => {
    const goal = await goalIn(alices.assigned, 'DECLINED');
    const sam2 = httpClient(server.url, people.sam.token);
    const both = await Promise.all([people.sam.api.goals.reassign.mutate({ id: goal.id }), sam2.goals.reassign.mutate({ id: goal.id })]);
    expect(both.map((g) => [g.status, g.version])).toEqual([
      ['PENDING_ACCEPTANCE', goal.version + 1],
      ['PENDING_ACCEPTANCE', goal.version + 1],
    ]);
    expect((await aliceHears(goal.id)).filter((n) => n.resolution === null)).toHaveLength(1);
  });
});
