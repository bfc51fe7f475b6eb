/**
 * goals.rejectMany: several goals rejected with one reason, by the rules of a single reject, all or
 * none; each rejection resolves its approval request and tells its owner, as a single one does.
 * Real server, real clients over HTTP and WebSocket.
 */
import { describe, expect, it } from 'vitest';
import { connect, useDemoServer, type Goal } from './support/goals.js';
import { failure, type Person } from './support/server.js';

const { server, people, closeAfterAll } = useDemoServer();

const submit = (owner: Person, title: string) => owner.api.goals.create.mutate({ type: 'INDIVIDUAL', title });

/** What a refused call must have left as it was: statuses, history, open requests, and the decider's stream. */
async function snapshot(goals: Goal[], decider: Person) {
  const ids = goals.map((goal) => goal.id);
  const [rows, history, requests, head] = await Promise.all([
    server.db.selectFrom('goals').select(['id', 'status', 'version', 'last_reason']).where('id', 'in', ids).orderBy('id').execute(),
    server.db.selectFrom('goal_history').select(['id']).where('goal_id', 'in', ids).execute(),
    server.db.selectFrom('notifications').select(['id', 'resolved_at']).where('request_key', 'in', ids.map((id) => `goal:${id}:approval`)).execute(),
    server.db.selectFrom('users').select('last_event_seq').where('id', '=', decider.id).executeTakeFirstOrThrow(),
  ]);
  return { rows, history: history.length, requests, head };
}

describe('goals.rejectMany', () => {
  it('rejects every goal with the reason, resolves each approval request on every device and tells each owner', async () => {
    const [phone, laptop] = [closeAfterAll(await connect(server, people.sam)), closeAfterAll(await connect(server, people.sam))];
    const alice = closeAfterAll(await connect(server, people.alice));
    const goals = [await submit(people.alice, 'Learn Rust'), await submit(people.bob, 'Run a marathon'), await submit(people.alice, 'Write a book')];
    const ids = goals.map((goal) => goal.id);
    const offered = await phone.notifications.take(3);

    const rejected = await laptop.api.goals.rejectMany.mutate({ ids: [ids[2]!, ids[0]!, ids[1]!], reason: '  Not this quarter ' });
    expect(rejected.map((goal) => [goal.id, goal.status, goal.lastReason])).toEqual([
      [ids[2], 'REJECTED', 'Not this quarter'],
      [ids[0], 'REJECTED', 'Not this quarter'],
      [ids[1], 'REJECTED', 'Not this quarter'],
    ]);
    const history = await server.db.selectFrom('goal_history').select(['goal_id', 'action', 'reason', 'actor_id']).where('goal_id', 'in', ids).where('action', '=', 'reject').orderBy('goal_id').execute();
    expect(history).toEqual(ids.map((id) => ({ goal_id: id, action: 'reject', reason: 'Not this quarter', actor_id: people.sam.id })));

    // Each request is resolved, on both of Sam's devices, with the outcome and the one reason.
    const resolution = { outcome: 'REJECTED', byId: people.sam.id, byName: people.sam.name, reason: 'Not this quarter' };
    const offeredIds = offered.map((e) => (e.data.kind === 'created' ? e.data.notification.id : 0));
    for (const device of [phone, laptop]) {
      const events = (await device.notifications.take(device === phone ? 3 : 6)).slice(-3).map((e) => e.data);
      expect(events).toEqual(offeredIds.map((id) => ({ kind: 'resolved', ids: [id], resolvedAt: expect.any(Date), resolution })));
    }
    const open = await server.db.selectFrom('notifications').select('id').where('request_key', 'in', ids.map((id) => `goal:${id}:approval`)).where('resolved_at', 'is', null).execute();
    expect(open).toEqual([]);
    // Alice hears of her two goals, as after two single rejects.
    const told = (await alice.notifications.take(2)).map((e) => e.data);
    expect(told.map((e) => e.kind === 'created' && [e.notification.type, e.notification.message])).toEqual([
      ['GOAL_REJECTED', `Sam Supervisor rejected "Learn Rust": Not this quarter`],
      ['GOAL_REJECTED', `Sam Supervisor rejected "Write a book": Not this quarter`],
    ]);
    const aliceGoalEvents = (await alice.goals.take(4)).map((e) => [e.data.goal.id, e.data.action]);
    expect(aliceGoalEvents).toEqual([
      [ids[0], 'create'],
      [ids[2], 'create'],
      [ids[0], 'reject'],
      [ids[2], 'reject'],
    ]);
  });

  it('refuses the whole when one goal cannot be rejected, naming each and why, and changes nothing', async () => {
    const pending = await submit(people.alice, 'Pending one');
    const approved = await submit(people.bob, 'Approved already');
    await people.sam.api.goals.approve.mutate({ id: approved.id });
    const foreign = await submit(people.carol, "Olivia's to decide");
    const goals = [pending, approved, foreign];
    const before = await snapshot(goals, people.sam);

    const error = await failure(people.sam.api.goals.rejectMany.mutate({ ids: goals.map((goal) => goal.id), reason: 'Not now' }));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.message).toBe(
      `Nothing was rejected. "Approved already" (goal ${approved.id}): This goal was already approved by you, so it cannot be rejected; ` +
        `No goal with id ${foreign.id}`,
    );
    expect(await snapshot(goals, people.sam)).toEqual(before);
    // The valid one alone goes through afterwards.
    expect((await people.sam.api.goals.rejectMany.mutate({ ids: [pending.id], reason: 'Not now' }))[0]!.status).toBe('REJECTED');
  });

  it("is refused to anyone but the approver: the owner, another supervisor, a colleague", async () => {
    const goals = [await submit(people.alice, 'Mine to propose'), await submit(people.alice, 'Also mine')];
    const ids = goals.map((goal) => goal.id);
    const before = await snapshot(goals, people.alice);

    const byOwner = await failure(people.alice.api.goals.rejectMany.mutate({ ids, reason: 'Changed my mind' }));
    expect(byOwner.data?.code).toBe('FORBIDDEN');
    const onlyApprover = "Only the owner's supervisor or an administrator (for owners without a supervisor) may reject this goal";
    expect(byOwner.message).toBe(`Nothing was rejected. "Mine to propose" (goal ${ids[0]}): ${onlyApprover}; "Also mine" (goal ${ids[1]}): ${onlyApprover}`);
    for (const outsider of [people.olivia, people.bob]) {
      const error = await failure(outsider.api.goals.rejectMany.mutate({ ids, reason: 'No' }));
      expect(error.data?.code).toBe('NOT_FOUND'); // they may not even see these goals
      expect(error.message).toBe(`Nothing was rejected. No goal with id ${ids[0]}; No goal with id ${ids[1]}`);
    }
    expect(await snapshot(goals, people.alice)).toEqual(before);
  });

  it('races single decisions on the same goals without deadlock: all of its rejections or none, each request resolved once', async () => {
    for (let round = 0; round < 8; round++) {
      const [a, b] = [await submit(people.alice, `Race ${round} a`), await submit(people.alice, `Race ${round} b`)];
      const calls = await Promise.allSettled([
        people.sam.api.goals.rejectMany.mutate({ ids: [a.id, b.id], reason: 'Both no' }),
        people.sam.api.goals.approve.mutate({ id: b.id }),
        people.alice.api.goals.cancel.mutate({ id: a.id }),
      ]);
      for (const call of calls) if (call.status === 'rejected') expect(call.reason.data?.code, call.reason.message).toBe('CONFLICT');
      const rejects = await server.db.selectFrom('goal_history').select('goal_id').where('goal_id', 'in', [a.id, b.id]).where('action', '=', 'reject').execute();
      expect(rejects.length).toBe(calls[0].status === 'fulfilled' ? 2 : 0);
      const open = await server.db.selectFrom('notifications').select('id').where('request_key', 'in', [`goal:${a.id}:approval`, `goal:${b.id}:approval`]).where('resolved_at', 'is', null).execute();
      expect(open).toEqual([]);
    }
  });

  it('names what is wrong with its input', async () => {
    const reject = people.sam.api.goals.rejectMany;
    for (const [input, message] of [
      [{ ids: [], reason: 'x' }, 'ids must hold 1 to 100 goal ids'],
      [{ ids: [1, 1], reason: 'x' }, 'ids must not repeat a goal'],
      [{ ids: [1], reason: '   ' }, 'reason must not be empty'],
      [{ ids: Array.from({ length: 101 }, (_, i) => i + 1), reason: 'x' }, 'ids must hold 1 to 100 goal ids'],
    ] as const) {
      const error = await failure(reject.mutate(input as { ids: number[]; reason: string }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toBe(message);
    }
  });
});
