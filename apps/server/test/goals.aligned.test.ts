/**
 * goals.aligned: the goals aligned to an organisational goal, as each caller may see them, how
 * many others exist (only counted), and the combined progress of the visible ones (the mean of
 * those not cancelled, a completed goal counting 100).
 */
import { describe, expect, it } from 'vitest';
import { useDemoServer } from './support/goals.js';
import { jsonClient } from './support/rest.js';
import { failure, httpClient } from './support/server.js';

const { server, people } = useDemoServer();
const year = new Date().getUTCFullYear();

/** Sam's quarterly goal with goals of Alice, Bob and Carol aligned to it. */
async function arrange() {
  const parent = await people.sam.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Roll me up', year, quarter: 4 });
  const parentGoalId = parent.id;
  const active = async (who: 'alice' | 'bob', title: string, progress: number) => {
    const goal = await people[who].api.goals.create.mutate({ type: 'INDIVIDUAL', title, parentGoalId });
    await people.sam.api.goals.approve.mutate({ id: goal.id });
    return people[who].api.goals.updateProgress.mutate({ id: goal.id, progress });
  };
  const alice40 = await active('alice', 'Alice at 40', 40);
  const aliceDone = await active('alice', 'Alice done', 100);
  const aliceCancelled = await active('alice', 'Alice cancelled', 90);
  await people.alice.api.goals.cancel.mutate({ id: aliceCancelled.id });
  const bob80 = await active('bob', 'Bob at 80', 80);
  const carolPending = await people.carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Carol pending', parentGoalId });
  // Not aligned to it: never counted.
  await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Unaligned' });
  return { parent, alice40, aliceDone, aliceCancelled, bob80, carolPending };
}

describe('goals.aligned', () => {
  it('lists what each caller may see, counts the rest, and combines the progress of what they see', async () => {
    const goals = await arrange();
    const aligned = (who: keyof typeof people) => people[who].api.goals.aligned.query({ id: goals.parent.id });
    const ids = (page: Awaited<ReturnType<typeof aligned>>) => page.items.map((g) => g.id);

    // Alice sees her own three: 40 and 100 count, the cancelled one does not.
    const alice = await aligned('alice');
    expect(ids(alice)).toEqual([goals.aliceCancelled.id, goals.aliceDone.id, goals.alice40.id]);
    expect(alice.summary).toEqual({ visible: 3, hidden: 2, counted: 2, combinedProgress: 70 });

    // Sam sees his reports' four: (40 + 100 + 80) / 3.
    const sam = await aligned('sam');
    expect(ids(sam)).toEqual([goals.bob80.id, goals.aliceCancelled.id, goals.aliceDone.id, goals.alice40.id]);
    expect(sam.summary).toEqual({ visible: 4, hidden: 1, counted: 3, combinedProgress: 73 });

    // Olivia only Carol's, still awaiting her approval (0 %); the administrator none of them.
    expect(await aligned('olivia')).toMatchObject({ items: [{ id: goals.carolPending.id }], summary: { visible: 1, hidden: 4, counted: 1, combinedProgress: 0 } });
    expect(await aligned('admin')).toMatchObject({ items: [], nextCursor: null, summary: { visible: 0, hidden: 5, counted: 0, combinedProgress: null } });
    // Bob: his own, and nothing of Alice's revealed but its count.
    const bob = await aligned('bob');
    expect(ids(bob)).toEqual([goals.bob80.id]);
    expect(JSON.stringify(bob)).not.toContain('Alice');
  });

  it('pages the visible goals; the summary covers them all', async () => {
    const goals = await arrange();
    const first = await people.sam.api.goals.aligned.query({ id: goals.parent.id, limit: 3 });
    expect(first.items).toHaveLength(3);
    const second = await people.sam.api.goals.aligned.query({ id: goals.parent.id, limit: 3, cursor: first.nextCursor });
    expect(second).toMatchObject({ items: [{ id: goals.alice40.id }], nextCursor: null });
    expect(second.summary).toEqual(first.summary);
  });

  it('answers a goal the caller may not see as missing, and refuses the anonymous', async () => {
    const personal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Mine alone' });
    expect((await people.sam.api.goals.aligned.query({ id: personal.id })).summary).toEqual({ visible: 0, hidden: 0, counted: 0, combinedProgress: null });
    for (const caller of [people.bob, people.olivia]) {
      const hidden = await failure(caller.api.goals.aligned.query({ id: personal.id }));
      expect([hidden.data?.code, hidden.message]).toEqual(['NOT_FOUND', `No goal with id ${personal.id}`]);
    }
    expect((await failure(people.sam.api.goals.aligned.query({ id: 2_000_000 }))).data?.code).toBe('NOT_FOUND');
    expect((await failure(httpClient(server.url).goals.aligned.query({ id: personal.id }))).data?.code).toBe('UNAUTHORIZED');
    expect((await failure(people.sam.api.goals.aligned.query({ id: 0 }))).data?.code).toBe('BAD_REQUEST');
  });

  it('answers over REST', async () => {
    const { parent } = await arrange();
    const answer = await jsonClient(`${server.url}/api/v1`, people.alice.token).get(`/goals/${parent.id}/aligned?limit=1`);
    expect(answer).toMatchObject({ status: 200, body: { items: [{ title: 'Alice cancelled' }], summary: { visible: 3, hidden: 2, combinedProgress: 70 } } });
  });
});
