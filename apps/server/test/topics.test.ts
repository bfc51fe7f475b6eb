/**
 * Topics as plug-ins (packages/api/src/realtime/topics.ts): what a topic needs is loaded with its
 * events, carried in their announcement (realtime/carried-events.ts) or read in the hub's one
 * statement, whatever the number of subscribers; the topic decides what each viewer may see; and
 * a topic defined outside realtime/ streams like the app's own. Served by a second Realtime on
 * the test server's database (another instance, as far as the hub is concerned), whose
 * statements are counted.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, defineTopic, goalTopic, notificationTopic, TOPICS, type NotificationEvent } from '@pms/api';
import { demo, signIn, startTestServer, type Person, type TestServer } from './support/server.js';
import { notify, sample } from './support/notifications.js';
import { startRealtime, type TestRealtime } from './support/realtime.js';

/** A topic of the test's own: a greeting, with the name of the user whose stream it is in, read with the event. */
const greetingTopic = defineTopic<{ text: string }, string>({
  name: 'greeting',
  load: {
    select: (event) => sql`(select to_jsonb(u.name) from users as u where u.id = ${event.userId})`,
    parse: (json) => json as string,
  },
  message: (event) => ({ text: `${String(event.payload.greeting)}, ${event.loaded}` }),
});

/** Statements that read streams or what their topics load. */
const STREAM_READS = /user_events|"goals"|"notifications"/;

let server: TestServer;
let instance: TestRealtime;
let people: Record<'alice' | 'sam' | 'bob', Person>;

beforeAll(async () => {
  server = await startTestServer();
  instance = await startRealtime(server, [...TOPICS, greetingTopic]);
  const [alice, sam, bob] = await Promise.all([signIn(server.url, demo.alice), signIn(server.url, demo.sam), signIn(server.url, demo.bob)]);
  people = { alice: alice!, sam: sam!, bob: bob! };
});
afterAll(async () => {
  await instance?.close();
  await server?.close();
});

async function headOf(person: Person): Promise<string> {
  const row = await server.db.selectFrom('users').select('last_event_seq').where('id', '=', person.id).executeTakeFirstOrThrow();
  return String(row.last_event_seq);
}

describe('a goal change', () => {
  it('reaches every subscriber of its audience with no read, each with the goal as they see it', async () => {
    const goal = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Ship the topic registry' });
    const heads = { alice: await headOf(people.alice), sam: await headOf(people.sam) };
    // Three devices each, and the notifications topic beside: nine subscribers of two users.
    const streams = await Promise.all(
      (['alice', 'sam'] as const).flatMap((name) => [1, 2, 3].map(() => instance.stream(people[name], goalTopic, heads[name]))),
    );
    const bells = await Promise.all((['alice', 'sam'] as const).map((name) => instance.stream(people[name], notificationTopic, heads[name])));
    // Each has read its stream up to its head (one page each); from then on the hub serves them.
    await instance.completed(/user_events/, streams.length + bells.length);
    instance.statements.length = 0;

    await people.sam.api.goals.approve.mutate({ id: goal.id });
    const received = await Promise.all(streams.map((stream) => stream.take()));

    expect(received.map(({ data }) => [data.action, data.goal.id, data.goal.status])).toEqual(Array(6).fill(['approve', goal.id, 'ACTIVE']));
    // The view is each viewer's: the owner may report progress, the supervisor may not.
    expect(received[0]!.data.goal.allowedActions).toContain('updateProgress');
    expect(received[3]!.data.goal.allowedActions).not.toContain('updateProgress');
    // Alice's bell gets the approval too, from the same announcement, which carried them all.
    const { data: approved } = await bells[0]!.take();
    expect(approved).toMatchObject({ kind: 'created', notification: { type: 'GOAL_APPROVED' } });
    expect(instance.statements.filter((text) => STREAM_READS.test(text))).toEqual([]);
    await Promise.all([...streams, ...bells].map((stream) => stream.close()));
  });
});

describe('who may see what', () => {
  it('gives a viewer nothing of a goal or a notification that is not theirs', async () => {
    const hidden = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Alice only' });
    const own = await people.bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Bob’s own' });
    const someoneElses = await server.db.selectFrom('notifications').select('id').where('recipient_id', '<>', people.bob.id).executeTakeFirstOrThrow();
    const [bobs] = await notify(server.db, [sample(people.bob.id, 1)]);
    const head = await headOf(people.bob);
    const goals = await instance.stream(people.bob, goalTopic, head);
    const bell = await instance.stream(people.bob, notificationTopic, head);

    // Events naming what Bob may not see (a stream written by mistake, or before a change of supervisor), then his own.
    await server.db.transaction().execute((trx) =>
      appendEvents(trx, [
        { userId: people.bob.id, topic: 'goal', kind: 'changed', payload: { goalId: hidden.id, status: hidden.status, version: 1, action: 'create' } },
        { userId: people.bob.id, topic: 'notification', kind: 'created', payload: { id: someoneElses.id } },
        { userId: people.bob.id, topic: 'goal', kind: 'changed', payload: { goalId: own.id, status: own.status, version: 1, action: 'create' } },
        { userId: people.bob.id, topic: 'notification', kind: 'created', payload: { id: bobs } },
      ]),
    );
    const [{ data: goal }, { data: notification }] = await Promise.all([goals.take(), bell.take()]);
    expect(goal.goal.id).toBe(own.id);
    expect(notification).toMatchObject({ kind: 'created', notification: { id: bobs } });
    await Promise.all([goals.close(), bell.close()]);
  });
});

describe('a topic defined outside realtime/', () => {
  it('streams with what it loads, live and resumed', async () => {
    const head = await headOf(people.alice);
    const live = await instance.stream(people.alice, greetingTopic, head);
    const [appended] = await server.db.transaction().execute((trx) =>
      appendEvents(trx, [{ userId: people.alice.id, topic: 'greeting', kind: 'said', payload: { greeting: 'Hello' } }]),
    );
    expect(await live.take()).toEqual({ id: String(appended!.seq), data: { text: 'Hello, Alice Analyst' } });
    await live.close();

    const resumed = await instance.stream(people.alice, greetingTopic, head);
    expect(await resumed.take()).toEqual({ id: String(appended!.seq), data: { text: 'Hello, Alice Analyst' } });
    await resumed.close();
  });

  it('is refused by a Realtime it was not registered with', async () => {
    const stranger = defineTopic({ name: 'stranger', message: () => null });
    const stream = await instance.stream(people.alice, stranger);
    await expect(stream.take()).rejects.toThrow('The topic "stranger" is not registered with Realtime');
  });
});

describe('announcements that carry their events', () => {
  const notificationOf = (data: NotificationEvent) => ('notification' in data ? data.notification : null);

  it('are read instead by an instance that loads a topic differently, in one statement for all its subscribers', async () => {
    // Another version of the app, say, whose notification load shouts the title.
    const load = notificationTopic.load!;
    const shouting = defineTopic({
      ...notificationTopic,
      load: { ...load, select: (event, db) => sql`(select jsonb_set(l, '{title}', to_jsonb(upper(l->>'title'))) from (select ${load.select(event, db)} as l) as x)` },
    });
    const other = await startRealtime(server, [shouting]);
    try {
      const head = await headOf(people.alice);
      instance.statements.length = 0;
      const shouted = await Promise.all([1, 2, 3].map(() => other.stream(people.alice, shouting, head)));
      const bell = await instance.stream(people.alice, notificationTopic, head);
      await other.completed(/user_events/, shouted.length);
      await instance.completed(/user_events/, 1);
      [other.statements.length, instance.statements.length] = [0, 0];

      await notify(server.db, [sample(people.alice.id, 1, { title: 'Quiet news' })]);
      const received = await Promise.all(shouted.map((stream) => stream.take()));
      expect(received.map(({ data }) => notificationOf(data)?.title)).toEqual(Array(3).fill('QUIET NEWS'));
      expect(notificationOf((await bell.take()).data)?.title).toBe('Quiet news');
      expect(other.statements.filter((text) => STREAM_READS.test(text)), 'one read for its three subscribers').toHaveLength(1);
      expect(instance.statements.filter((text) => STREAM_READS.test(text)), 'the same load: the carried events').toEqual([]);
      await Promise.all([...shouted, bell].map((stream) => stream.close()));
    } finally {
      await other.close();
    }
  });

  it('heal a lost announcement: the events after it are read from the subscriber’s position', async () => {
    const [earlier] = await notify(server.db, [sample(people.bob.id, 1)]);
    const head = await headOf(people.bob);
    instance.statements.length = 0;
    const bell = await instance.stream(people.bob, notificationTopic, head);
    await instance.completed(/user_events/, 1);
    instance.statements.length = 0;

    // An event whose announcement never arrived (its NOTIFY lost with a listener's connection).
    await server.db.transaction().execute(async (trx) => {
      const { last_event_seq: seq } = await trx
        .updateTable('users')
        .set({ last_event_seq: sql<number>`last_event_seq + 1` })
        .where('id', '=', people.bob.id)
        .returning('last_event_seq')
        .executeTakeFirstOrThrow();
      await trx.insertInto('user_events').values({ user_id: people.bob.id, seq, topic: 'notification', kind: 'created', payload: JSON.stringify({ id: earlier }) }).execute();
    });
    const [next] = await notify(server.db, [sample(people.bob.id, 2)]);

    const [lost, carried] = [await bell.take(), await bell.take()];
    expect([lost.id, carried.id]).toEqual([String(Number(head) + 1), String(Number(head) + 2)]);
    expect([notificationOf(lost.data)?.id, notificationOf(carried.data)?.id]).toEqual([earlier, next]);
    expect(instance.statements.filter((text) => STREAM_READS.test(text)), 'the carried events had a gap before them').toHaveLength(1);
    await bell.close();
  });
});
