/**
 * The seed's flows end to end over WebSocket: supervisor and supervisee each connected, each
 * action made through a socket, and every live notification and goal event asserted.
 * Streams are ordered per user, so once an expected event arrives nothing unexpected came before it;
 * the database confirms nothing came after.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventLog } from './support/event-log.js';
import { addPerson, connect, useDemoServer, type Live } from './support/goals.js';
import { failure, wsClient, type Person } from './support/server.js';

const { server, people, closeAfterAll } = useDemoServer();

async function live(person: Person): Promise<Live> {
  return closeAfterAll(await connect(server, person));
}

/** The next notification on a live stream, which must be a newly created one. */
async function nextNotification(person: Live) {
  const [event] = await person.notifications.take(1);
  if (event?.data.kind !== 'created') throw new Error(`expected a created notification, got ${JSON.stringify(event?.data)}`);
  return event.data.notification;
}

/** The next notification event on a live stream, which must resolve a request. */
async function nextResolution(person: Live) {
  const [event] = await person.notifications.take(1);
  if (event?.data.kind !== 'resolved') throw new Error(`expected a resolved request, got ${JSON.stringify(event?.data)}`);
  return event.data;
}

/** The next goal events on a live stream, as [action, goalId, status after that action]. */
async function nextGoalEvents(person: Live, count: number) {
  const events = await person.goals.take(count);
  return events.map(({ data }) => [data.action, data.goal.id, data.status]);
}

/** Every stream event about a goal, per user, straight from the database. */
async function storedEvents(goalId: number) {
  return server.db
    .selectFrom('user_events')
    .select(['user_id as userId', 'topic', 'kind'])
    .where(sql<boolean>`(payload->>'goalId')::int = ${goalId}`)
    .orderBy('user_id')
    .orderBy('seq')
    .execute();
}

async function notificationsAbout(goalId: number) {
  return server.db
    .selectFrom('notifications')
    .select(['recipient_id as recipientId', 'type'])
    .where(sql<boolean>`(data->>'goalId')::int = ${goalId}`)
    .orderBy('id')
    .execute();
}

describe('flow 1: a supervisee proposes, the supervisor rejects, then approves the revision', () => {
  it('tells each side at once and keeps the goal lists live', async () => {
    const [sam, alice] = [await live(people.sam), await live(people.alice)];

    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: '  Write the onboarding guide  ' });
    expect(goal).toMatchObject({ title: 'Write the onboarding guide', status: 'PENDING_APPROVAL', version: 1 });

    const submitted = await nextNotification(sam);
    expect(submitted).toMatchObject({
      type: 'GOAL_SUBMITTED',
      priority: 'HIGH',
      title: 'Goal awaiting your approval',
      message: 'Alice Analyst submitted "Write the onboarding guide" for approval',
      link: `/goals/${goal.id}`,
      data: { goalId: goal.id, actorId: people.alice.id, action: 'create', status: 'PENDING_APPROVAL' },
    });
    const [samSees] = await sam.goals.take(1);
    expect(samSees!.data).toMatchObject({ kind: 'changed', action: 'create', goal: { id: goal.id, status: 'PENDING_APPROVAL', allowedActions: ['approve', 'reject'] } });
    expect(await nextGoalEvents(alice, 1)).toEqual([['create', goal.id, 'PENDING_APPROVAL']]);
    expect((await sam.api.goals.pendingApproval.query()).items.map((g) => g.id)).toContain(goal.id);

    await sam.api.goals.reject.mutate({ id: goal.id, reason: '  Add a deadline and a measure  ' });
    const rejected = await nextNotification(alice);
    expect(rejected).toMatchObject({
      type: 'GOAL_REJECTED',
      priority: 'HIGH',
      message: 'Sam Supervisor rejected "Write the onboarding guide": Add a deadline and a measure',
      data: { goalId: goal.id, actorId: people.sam.id, reason: 'Add a deadline and a measure' },
    });
    const [aliceSees] = await alice.goals.take(1);
    expect(aliceSees!.data.goal).toMatchObject({ status: 'REJECTED', lastReason: 'Add a deadline and a measure', allowedActions: ['edit', 'submit', 'cancel'] });
    expect(await nextGoalEvents(sam, 1)).toEqual([['reject', goal.id, 'REJECTED']]);
    // Sam's request is decided: his notification shows it on every device.
    expect(await nextResolution(sam)).toMatchObject({
      ids: [submitted.id],
      resolution: { outcome: 'REJECTED', byId: people.sam.id, byName: 'Sam Supervisor', reason: 'Add a deadline and a measure' },
    });

    const year = new Date().getUTCFullYear();
    await alice.api.goals.update.mutate({ id: goal.id, title: 'Write the onboarding guide (10 pages)', dueDate: `${year}-12-31` });
    await alice.api.goals.submit.mutate({ id: goal.id });
    expect(await nextGoalEvents(alice, 2)).toEqual([
      ['edit', goal.id, 'REJECTED'],
      ['submit', goal.id, 'PENDING_APPROVAL'],
    ]);
    expect(await nextGoalEvents(sam, 2)).toEqual([
      ['edit', goal.id, 'REJECTED'],
      ['submit', goal.id, 'PENDING_APPROVAL'],
    ]);
    expect(await nextNotification(sam)).toMatchObject({
      type: 'GOAL_SUBMITTED',
      message: 'Alice Analyst submitted "Write the onboarding guide (10 pages)" for approval',
    });

    const approved = await sam.api.goals.approve.mutate({ id: goal.id });
    expect(approved).toMatchObject({ status: 'ACTIVE', version: 5 });
    expect(await nextNotification(alice)).toMatchObject({ type: 'GOAL_APPROVED', priority: 'NORMAL', message: 'Sam Supervisor approved "Write the onboarding guide (10 pages)"' });
    expect(await nextGoalEvents(alice, 1)).toEqual([['approve', goal.id, 'ACTIVE']]);
    expect(await nextGoalEvents(sam, 1)).toEqual([['approve', goal.id, 'ACTIVE']]);
    expect(await nextResolution(sam)).toMatchObject({ resolution: { outcome: 'APPROVED', byId: people.sam.id, reason: null } });

    // Flow 3: progress with a note, then 100% completes the goal; the supervisor hears of both.
    await alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 60, note: 'Six pages reviewed' });
    expect(await nextNotification(sam)).toMatchObject({
      type: 'GOAL_PROGRESS_UPDATED',
      priority: 'LOW',
      message: 'Alice Analyst moved "Write the onboarding guide (10 pages)" to 60%: Six pages reviewed',
      data: { goalId: goal.id, progress: 60 },
    });
    const completed = await alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 100 });
    expect(completed).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(await nextNotification(sam)).toMatchObject({ type: 'GOAL_COMPLETED', data: { goalId: goal.id, status: 'COMPLETED' } });
    expect(await nextGoalEvents(sam, 2)).toEqual([
      ['updateProgress', goal.id, 'ACTIVE'],
      ['complete', goal.id, 'COMPLETED'],
    ]);
    expect(await nextGoalEvents(alice, 2)).toEqual([
      ['updateProgress', goal.id, 'ACTIVE'],
      ['complete', goal.id, 'COMPLETED'],
    ]);

    // Exactly these notifications, and goal events for Alice and Sam only (never Bob, Olivia, the admin).
    expect(await notificationsAbout(goal.id)).toEqual([
      { recipientId: people.sam.id, type: 'GOAL_SUBMITTED' },
      { recipientId: people.alice.id, type: 'GOAL_REJECTED' },
      { recipientId: people.sam.id, type: 'GOAL_SUBMITTED' },
      { recipientId: people.alice.id, type: 'GOAL_APPROVED' },
      { recipientId: people.sam.id, type: 'GOAL_PROGRESS_UPDATED' },
      { recipientId: people.sam.id, type: 'GOAL_COMPLETED' },
    ]);
    const recipients = new Set((await storedEvents(goal.id)).map((event) => event.userId));
    expect(recipients).toEqual(new Set([people.alice.id, people.sam.id]));
    expect((await sam.api.goals.pendingApproval.query()).items.map((g) => g.id)).not.toContain(goal.id);
  });
});

describe('flow 2: a supervisor assigns, the supervisee accepts one goal and declines another', () => {
  it('tells each side at once', async () => {
    const [sam, bob] = [await live(people.sam), await live(people.bob)];

    const first = await sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Automate the release notes' });
    expect(first).toMatchObject({ status: 'PENDING_ACCEPTANCE', owner: { id: people.bob.id }, creator: { id: people.sam.id } });
    expect(await nextNotification(bob)).toMatchObject({
      type: 'GOAL_ASSIGNED',
      priority: 'HIGH',
      message: 'Sam Supervisor assigned you "Automate the release notes"',
      link: `/goals/${first.id}`,
    });
    const [bobSees] = await bob.goals.take(1);
    expect(bobSees!.data.goal).toMatchObject({ id: first.id, status: 'PENDING_ACCEPTANCE', allowedActions: ['accept', 'decline'] });
    expect(await nextGoalEvents(sam, 1)).toEqual([['assign', first.id, 'PENDING_ACCEPTANCE']]);

    await bob.api.goals.accept.mutate({ id: first.id });
    expect(await nextResolution(bob)).toMatchObject({ resolution: { outcome: 'ACCEPTED', byId: people.bob.id } });
    expect(await nextNotification(sam)).toMatchObject({ type: 'GOAL_ACCEPTED', message: 'Bob Builder accepted "Automate the release notes"' });
    expect(await nextGoalEvents(sam, 1)).toEqual([['accept', first.id, 'ACTIVE']]);
    expect(await nextGoalEvents(bob, 1)).toEqual([['accept', first.id, 'ACTIVE']]);

    const second = await sam.api.goals.assign.mutate({ superviseeId: people.bob.id, title: 'Rewrite the billing service' });
    expect(await nextNotification(bob)).toMatchObject({ type: 'GOAL_ASSIGNED', data: { goalId: second.id } });
    const reason = 'Not possible alongside the release work';
    const declined = await bob.api.goals.decline.mutate({ id: second.id, reason });
    expect(declined).toMatchObject({ status: 'DECLINED', lastReason: reason });
    expect(await nextResolution(bob)).toMatchObject({ resolution: { outcome: 'DECLINED', byId: people.bob.id, reason } });
    expect(await nextNotification(sam)).toMatchObject({
      type: 'GOAL_DECLINED',
      priority: 'HIGH',
      message: `Bob Builder declined "Rewrite the billing service": ${reason}`,
      data: { goalId: second.id, reason },
    });
    expect(await nextGoalEvents(sam, 2)).toEqual([
      ['assign', second.id, 'PENDING_ACCEPTANCE'],
      ['decline', second.id, 'DECLINED'],
    ]);

    // The supervisor closes the declined goal: kept as CANCELLED, both see it, Bob is told why.
    await sam.api.goals.cancel.mutate({ id: second.id, reason: 'Replaced by a smaller goal' });
    expect(await nextNotification(bob)).toMatchObject({
      type: 'GOAL_CANCELLED',
      priority: 'NORMAL',
      message: 'Sam Supervisor cancelled "Rewrite the billing service": Replaced by a smaller goal',
      data: { goalId: second.id, status: 'CANCELLED', reason: 'Replaced by a smaller goal' },
    });
    expect(await nextGoalEvents(bob, 3)).toEqual([
      ['assign', second.id, 'PENDING_ACCEPTANCE'],
      ['decline', second.id, 'DECLINED'],
      ['cancel', second.id, 'CANCELLED'],
    ]);
    expect(await nextGoalEvents(sam, 1)).toEqual([['cancel', second.id, 'CANCELLED']]);
    expect(await notificationsAbout(second.id)).toEqual([
      { recipientId: people.bob.id, type: 'GOAL_ASSIGNED' },
      { recipientId: people.sam.id, type: 'GOAL_DECLINED' },
      { recipientId: people.bob.id, type: 'GOAL_CANCELLED' },
    ]);

    const team = await sam.api.goals.superviseeGoals.query({ superviseeId: people.bob.id });
    expect(team.items.map((g) => [g.id, g.status])).toEqual([
      [second.id, 'CANCELLED'],
      [first.id, 'ACTIVE'],
    ]);
  });
});

describe('cancelling a goal', () => {
  it('tells the other side, never the one who cancelled', async () => {
    const [sam, alice] = [await live(people.sam), await live(people.alice)];
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Learn Rust' });
    expect(await nextNotification(sam)).toMatchObject({ type: 'GOAL_SUBMITTED', data: { goalId: goal.id } });
    await sam.api.goals.approve.mutate({ id: goal.id });
    expect(await nextResolution(sam)).toMatchObject({ resolution: { outcome: 'APPROVED' } });
    expect(await nextNotification(alice)).toMatchObject({ type: 'GOAL_APPROVED', data: { goalId: goal.id } });

    await alice.api.goals.cancel.mutate({ id: goal.id });
    expect(await nextNotification(sam)).toMatchObject({
      type: 'GOAL_CANCELLED',
      title: 'Goal cancelled',
      message: 'Alice Analyst cancelled "Learn Rust"',
      link: `/goals/${goal.id}`,
      data: { goalId: goal.id, actorId: people.alice.id, status: 'CANCELLED', reason: null },
    });
    expect(await notificationsAbout(goal.id)).toEqual([
      { recipientId: people.sam.id, type: 'GOAL_SUBMITTED' },
      { recipientId: people.alice.id, type: 'GOAL_APPROVED' },
      { recipientId: people.sam.id, type: 'GOAL_CANCELLED' },
    ]);
  });
});

describe('flow 4: a user without a supervisor is approved by an administrator', () => {
  it('sends the submission to the admins and the decision back', async () => {
    const nora = await live(await addPerson(server.url, people.admin, { email: 'nora@demo.pms', name: 'Nora Nobody', supervisorId: null }));
    const admin = await live(people.admin);

    const goal = await nora.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Map the data retention rules' });
    expect(goal.status).toBe('PENDING_APPROVAL');
    expect(await nextNotification(admin)).toMatchObject({ type: 'GOAL_SUBMITTED', data: { goalId: goal.id } });
    expect(await nextGoalEvents(admin, 1)).toEqual([['create', goal.id, 'PENDING_APPROVAL']]);
    expect((await admin.api.goals.pendingApproval.query()).items.map((g) => g.id)).toContain(goal.id);
    expect((await failure(people.sam.api.goals.approve.mutate({ id: goal.id }))).data?.code).toBe('NOT_FOUND');

    await admin.api.goals.approve.mutate({ id: goal.id });
    expect(await nextNotification(nora)).toMatchObject({ type: 'GOAL_APPROVED', message: 'Ada Admin approved "Map the data retention rules"' });
    expect(await nextGoalEvents(nora, 2)).toEqual([
      ['create', goal.id, 'PENDING_APPROVAL'],
      ['approve', goal.id, 'ACTIVE'],
    ]);
  });

  it('starts an administrator’s own personal goal active: nobody stands above them', async () => {
    const goal = await people.admin.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Hire two engineers' });
    expect(goal.status).toBe('ACTIVE');
    expect(await notificationsAbout(goal.id)).toEqual([]);
  });

  it('starts organisational goals active', async () => {
    const year = new Date().getUTCFullYear();
    const yearly = await people.admin.api.goals.create.mutate({ type: 'YEARLY', title: 'Grow retention to 95%', year });
    const quarterly = await people.sam.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Launch in Spain', year, quarter: 1, parentGoalId: yearly.id });
    expect([yearly.status, quarterly.status]).toEqual(['ACTIVE', 'ACTIVE']);
    expect(quarterly.parentGoalId).toBe(yearly.id);
  });
});

describe('goals.onEvent resumes and re-checks visibility', () => {
  it('replays what a client missed while disconnected, exactly once', async () => {
    const alice = await live(people.alice);
    const goal = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Give a lightning talk' });
    const [created] = await alice.goals.take(1);
    await alice.close();

    await people.sam.api.goals.approve.mutate({ id: goal.id });
    await people.alice.api.goals.updateProgress.mutate({ id: goal.id, progress: 30 });

    const socket = wsClient(server.url, people.alice.token);
    const resumed = await EventLog.open(socket.client.goals.onEvent, created!.id);
    const replayed = await resumed.take(2);
    expect(replayed.map((e) => [e.data.action, e.data.goal.status])).toEqual([
      ['approve', 'ACTIVE'],
      ['updateProgress', 'ACTIVE'],
    ]);
    // The goal as it is now, not as it was at each event.
    expect(replayed.map((e) => e.data.goal.progress)).toEqual([30, 30]);
    expect(Number(replayed[0]!.id)).toBeGreaterThan(Number(created!.id));
    resumed.close();
    await socket.close();
  });

  it('skips goals the subscriber can no longer see', async () => {
    const mo = await addPerson(server.url, people.admin, { email: 'mo@demo.pms', name: 'Mo Mover', supervisorId: people.sam.id });
    const sam = await live(people.sam);
    const before = await mo.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Before the move' });
    const [seen] = await sam.goals.take(1);
    expect(seen!.data.goal.id).toBe(before.id);

    // Mo moves to Olivia: replaying Sam's stream from before now leaves Mo's goal out.
    await people.admin.api.users.update.mutate({ id: mo.id, supervisorId: people.olivia.id });
    const marker = await people.alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Marker' });
    const replay = await EventLog.open(sam.api.goals.onEvent, String(Number(seen!.id) - 1));
    const [first] = await replay.take(1);
    expect(first!.data.goal.id).toBe(marker.id);
    replay.close();
  });
});
