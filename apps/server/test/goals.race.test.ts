/**
 * Racing decisions on one goal, against real PostgreSQL: two clients of the same supervisor
 * (two tabs) approve and reject at the same moment, round after round. Each round ends with
 * exactly one winner, one CONFLICT naming the winner's decision, one history row and one
 * notification. And a decision that races a change of the owner's supervisor is refused.
 */
import { TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { outcome, wsClient, type Client } from './support/server.js';
import { waitingForLock } from './support/database.js';
import { useDemoServer } from './support/goals.js';

const ROUNDS = 30;

const { server, people, closeAfterAll } = useDemoServer();

/** A client on a WebSocket of its own, as a browser tab has. */
function tab(token: string): Client {
  return closeAfterAll(wsClient(server.url, token)).client;
}

/** Fires both calls at once and sorts out who won. */
async function race(contenders: Record<string, () => Promise<unknown>>) {
  const names = Object.keys(contenders);
  const results = await Promise.allSettled(names.map((name) => contenders[name]!()));
  const winners = names.filter((_, i) => results[i]!.status === 'fulfilled');
  const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  return { winners, losers };
}

async function decisionsRecorded(goalId: number, actions: string[]) {
  return server.db
    .selectFrom('goal_history')
    .select(['action', 'to_status as toStatus'])
    .where('goal_id', '=', goalId)
    .where('action', 'in', actions)
    .execute();
}

async function notificationTypes(goalId: number, types: string[]) {
  const rows = await server.db
    .selectFrom('notifications')
    .select('type')
    .where(sql<boolean>`(data->>'goalId')::int = ${goalId}`)
    .where('type', 'in', types as never[])
    .execute();
  return rows.map((row) => row.type);
}

describe('approve vs reject', () => {
  it(`has exactly one winner in each of ${ROUNDS} rounds`, async () => {
    const [firstTab, secondTab] = [tab(people.sam.token), tab(people.sam.token)];
    await Promise.all([firstTab.auth.me.query(), secondTab.auth.me.query()]);

    for (let round = 0; round < ROUNDS; round++) {
      const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: `Race ${round}` });
      // Alternate which tab sends which decision, so neither always goes first.
      const [approver, rejecter] = round % 2 ? [firstTab, secondTab] : [secondTab, firstTab];
      const { winners, losers } = await race({
        approve: () => approver.goals.approve.mutate({ id: goal.id }),
        reject: () => rejecter.goals.reject.mutate({ id: goal.id, reason: 'Out of scope' }),
      });

      expect(winners).toHaveLength(1);
      const winner = winners[0] as 'approve' | 'reject';
      expect(losers).toHaveLength(1);
      const loser = losers[0];
      expect(loser).toBeInstanceOf(TRPCClientError);
      expect((loser as TRPCClientError<any>).data?.code).toBe('CONFLICT');
      const past = winner === 'approve' ? 'approved' : 'rejected';
      const loserPast = winner === 'approve' ? 'rejected' : 'approved';
      expect((loser as Error).message).toBe(`This goal was already ${past} by you, so it cannot be ${loserPast}`);

      const after = await people.alice.api.goals.byId.query({ id: goal.id });
      expect(after).toMatchObject({ status: winner === 'approve' ? 'ACTIVE' : 'REJECTED', version: 2 });
      expect(await decisionsRecorded(goal.id, ['approve', 'reject'])).toEqual([
        { action: winner, toStatus: after.status },
      ]);
      expect(await notificationTypes(goal.id, ['GOAL_APPROVED', 'GOAL_REJECTED'])).toEqual([
        winner === 'approve' ? 'GOAL_APPROVED' : 'GOAL_REJECTED',
      ]);
    }
  });
});

describe('accept vs decline', () => {
  it('has exactly one winner when the assignee answers from two devices at once', async () => {
    const [phone, laptop] = [tab(people.bob.token), tab(people.bob.token)];
    for (let round = 0; round < 10; round++) {
      const goal = await people.sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: `Assignment ${round}` });
      const { winners, losers } = await race({
        accept: () => phone.goals.accept.mutate({ id: goal.id }),
        decline: () => laptop.goals.decline.mutate({ id: goal.id, reason: 'Busy' }),
      });
      expect(winners).toHaveLength(1);
      expect((losers[0] as TRPCClientError<any>).data?.code).toBe('CONFLICT');
      expect(await decisionsRecorded(goal.id, ['accept', 'decline'])).toHaveLength(1);
      expect(await notificationTypes(goal.id, ['GOAL_ACCEPTED', 'GOAL_DECLINED'])).toHaveLength(1);
    }
  });
});

describe('the owner cancels while the supervisor approves', () => {
  it('serializes the two: both succeed in some order, or the loser gets CONFLICT', async () => {
    for (let round = 0; round < 10; round++) {
      const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: `Cancel race ${round}` });
      const { winners, losers } = await race({
        approve: () => people.sam.api.goals.approve.mutate({ id: goal.id }),
        cancel: () => people.alice.api.goals.cancel.mutate({ id: goal.id }),
      });
      const history = await server.db
        .selectFrom('goal_history')
        .select(['from_status as from', 'to_status as to'])
        .where('goal_id', '=', goal.id)
        .orderBy('id')
        .execute();
      // Every recorded step starts where the previous one ended: no lost update.
      for (let i = 1; i < history.length; i++) expect(history[i]!.from).toBe(history[i - 1]!.to);
      expect(history).toHaveLength(1 + winners.length);
      for (const loser of losers) expect((loser as TRPCClientError<any>).data?.code).toBe('CONFLICT');
    }
  });
});

describe('a decision racing a change of the owner’s supervisor', () => {
  it.each(['approve', 'assign'] as const)('%s: refused with CONFLICT when the move commits first, and nothing of it is kept', async (action) => {
    const title = `Decided during a move (${action})`;
    const pending = action === 'approve' ? await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title }) : null;
    // An administrator moves Alice from Sam to Olivia; the change holds her row until it commits.
    const move = await server.db.startTransaction().execute();
    onTestFinished(async () => {
      if (!move.isCommitted) await move.rollback().execute();
      await server.db.updateTable('users').set({ supervisor_id: people.sam.id }).where('id', '=', people.alice.id).execute();
    });
    await move.updateTable('users').set({ supervisor_id: people.olivia.id }).where('id', '=', people.alice.id).execute();

    // Sam decides on what he read (still Alice's supervisor), and waits at Alice's stream head.
    const decision = outcome(
      pending
        ? people.sam.api.goals.approve.mutate({ id: pending.id })
        : people.sam.api.goals.assign.mutate({ superviseeId: people.alice.id, title }),
    );
    await Promise.race([waitingForLock(server.db), decision]);
    await move.commit().execute();

    expect(await decision).toBe('CONFLICT');
    const goals = await server.db.selectFrom('goals').select(['id', 'status']).where('title', '=', title).execute();
    expect(goals).toEqual(pending ? [{ id: pending.id, status: 'PENDING_APPROVAL' }] : []);
    if (pending) expect(await notificationTypes(pending.id, ['GOAL_APPROVED'])).toEqual([]);
  });
});
