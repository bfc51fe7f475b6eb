/**
 * The goals workflow and the notifications it sends, over REST with plain fetch and JSON: a
 * supervisee creates a goal, the supervisor rejects it, it is edited, resubmitted and approved,
 * then worked on and completed; an assignment accepted; every answer plain JSON (dates as ISO
 * strings) and checked against the procedure's output schema on the way out (a 500 otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '@pms/api';
import { jsonClient, type JsonClient } from './support/rest.js';
import { failure, httpClient, login, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const people = {} as Record<'admin' | 'sam' | 'olivia' | 'alice' | 'carol', { id: number; token: string; api: JsonClient }>;

beforeAll(async () => {
  server = await startTestServer();
  for (const name of ['admin', 'sam', 'olivia', 'alice', 'carol'] as const) {
    const { token, user } = await login(server.url, `${name}@demo.pms`);
    people[name] = { id: user.id, token, api: jsonClient(`${server.url}/api/v1`, token) };
  }
});
afterAll(() => server?.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the approval flow', () => {
  it('runs end to end over REST, notifying as it goes', async () => {
    const { alice, sam } = people;
    const created = await alice.api.post('/goals', { type: 'INDIVIDUAL', title: 'Ship the REST API', description: 'Plain JSON' });
    expect(created.status).toBe(200);
    const goal = created.body;
    expect(goal).toMatchObject({ title: 'Ship the REST API', status: 'PENDING_APPROVAL', owner: { id: alice.id } });
    expect(goal.createdAt).toMatch(ISO);

    // Sam hears of it: his notifications, over REST.
    const inbox = await sam.api.get('/notifications?limit=5&unreadOnly=true');
    expect(inbox.status).toBe(200);
    const submitted = inbox.body.items.find((n: any) => n.type === 'GOAL_SUBMITTED' && n.data.goalId === goal.id);
    expect(submitted).toMatchObject({
      readAt: null,
      actions: [
        { kind: 'approve', goalId: goal.id },
        { kind: 'reject', goalId: goal.id },
      ],
    });
    expect(submitted.createdAt).toMatch(ISO);
    expect(await sam.api.get('/goals/pending-approval')).toMatchObject({ status: 200, body: { items: [{ id: goal.id }] } });

    const rejected = await sam.api.post(`/goals/${goal.id}/reject`, { reason: 'Say by when' });
    expect(rejected).toMatchObject({ status: 200, body: { status: 'REJECTED', lastReason: 'Say by when' } });
    const edited = await alice.api.patch(`/goals/${goal.id}`, {
      dueDate: `${new Date().getUTCFullYear()}-12-31`,
      version: rejected.body.version,
    });
    expect(edited).toMatchObject({ status: 200, body: { dueDate: `${new Date().getUTCFullYear()}-12-31` } });
    expect(await alice.api.post(`/goals/${goal.id}/submit`)).toMatchObject({ status: 200, body: { status: 'PENDING_APPROVAL' } });
    expect(await sam.api.post(`/goals/${goal.id}/approve`)).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });
    expect(await alice.api.post(`/goals/${goal.id}/progress`, { progress: 40, note: 'Half the paths' })).toMatchObject({
      body: { progress: 40, status: 'ACTIVE' },
    });
    expect(await alice.api.post(`/goals/${goal.id}/complete`, {})).toMatchObject({
      status: 200,
      body: { status: 'COMPLETED', progress: 100 },
    });

    const read = await alice.api.get(`/goals/${goal.id}`);
    expect(read.status).toBe(200);
    expect(read.body.history.map((step: any) => step.action)).toEqual([
      'create',
      'reject',
      'edit',
      'submit',
      'approve',
      'updateProgress',
      'complete',
    ]);
    expect(read.body.history[0].createdAt).toMatch(ISO);
    expect((await alice.api.get('/goals/mine?status=COMPLETED')).body.items.map((g: any) => g.id)).toContain(goal.id);

    // Alice's side: approval and rejection reached her.
    const mine = (await alice.api.get('/notifications?limit=100')).body.items.map((n: any) => n.type);
    expect(mine).toEqual(expect.arrayContaining(['GOAL_APPROVED', 'GOAL_REJECTED']));
  });
});

describe('assignment', () => {
  it('is assigned, listed for the supervisor, and accepted or declined by the assignee', async () => {
    const { alice, sam } = people;
    const first = await sam.api.post('/goals/assign', { superviseeId: alice.id, title: 'Write the runbook' });
    expect(first).toMatchObject({ status: 200, body: { status: 'PENDING_ACCEPTANCE', owner: { id: alice.id }, creator: { id: sam.id } } });
    expect(await alice.api.post(`/goals/${first.body.id}/accept`)).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });
    const second = await sam.api.post('/goals/assign', { superviseeId: alice.id, title: 'Rewrite everything' });
    expect(await alice.api.post(`/goals/${second.body.id}/decline`, { reason: 'Not this quarter' })).toMatchObject({
      body: { status: 'DECLINED', lastReason: 'Not this quarter' },
    });
    const team = await sam.api.get(`/goals/supervisees?superviseeId=${alice.id}&limit=50`);
    expect(team.body.items.map((g: any) => g.id)).toEqual(expect.arrayContaining([first.body.id, second.body.id]));
    expect(await sam.api.post(`/goals/${second.body.id}/accept`)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await alice.api.get('/goals/organisational?limit=2')).body).toMatchObject({ items: [{}, {}], nextCursor: expect.any(Number) });
  });
});

describe('notifications', () => {
  it('are counted, marked read one by one and all at once, and deleted', async () => {
    const { sam } = people;
    const stats = await sam.api.get('/notifications/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.unreadCount).toBeGreaterThan(0);
    expect(stats.body.byType.GOAL_SUBMITTED.total).toBeGreaterThan(0);
    const [first, second] = (await sam.api.get('/notifications?limit=2')).body.items;
    const read = await sam.api.post(`/notifications/${first.id}/read`);
    expect(read).toMatchObject({ status: 200, body: { id: first.id } });
    expect(read.body.readAt).toMatch(ISO);
    expect((await sam.api.get('/notifications/stats')).body.unreadCount).toBe(stats.body.unreadCount - 1);
    const all = await sam.api.post('/notifications/read-all');
    expect(all.status).toBe(200);
    // Resolved requests are read as far as the count goes, but still unread rows: they are marked too.
    expect(all.body.count).toBeGreaterThanOrEqual(stats.body.unreadCount - 1);
    expect((await sam.api.get('/notifications/stats')).body.unreadCount).toBe(0);
    expect(await sam.api.delete(`/notifications/${second.id}`)).toMatchObject({ status: 200, body: { id: second.id } });
    expect(await sam.api.delete(`/notifications/${second.id}`)).toMatchObject({ status: 404 });
    expect((await sam.api.get('/notifications?view=all&limit=100')).body.items.map((n: any) => n.id)).not.toContain(second.id);
  });

  it("are only their recipient's", async () => {
    const { id } = (await people.sam.api.get('/notifications?view=all&limit=1')).body.items[0];
    expect(await people.carol.api.post(`/notifications/${id}/read`)).toMatchObject({
      status: 404,
      body: { message: `No notification with id ${id}` },
    });
  });
});

describe('errors', () => {
  it('bad input is a 400 naming the field, in the message and its issues', async () => {
    const { alice } = people;
    expect(await alice.api.get('/notifications?limit=0')).toMatchObject({
      status: 400,
      body: {
        code: 'BAD_REQUEST',
        message: 'limit must be between 1 and 100',
        issues: [{ path: 'limit', message: 'limit must be between 1 and 100' }],
      },
    });
    expect((await alice.api.get('/notifications?unreadOnly=maybe')).body.message).toBe('unreadOnly must be true or false');
    expect((await alice.api.get('/goals/abc')).body).toMatchObject({ message: 'id must be a number' });
    expect((await alice.api.post('/goals', { type: 'WEEKLY', title: '' })).body.message).toBe(
      'type must be one of YEARLY, QUARTERLY, INDIVIDUAL; title must not be empty',
    );
    // A JSON body is taken as it is: text is not a number there.
    expect((await alice.api.post('/goals/1/progress', { progress: '50' })).body.message).toBe('progress must be a number');
    const missing = await people.sam.api.post('/goals/1/reject', {});
    expect(missing).toMatchObject({ status: 400, body: { message: 'reason is required' } });
    const notJson = await fetch(`${server.url}/api/v1/goals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: '{"type":',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toMatch(/^The body is not valid JSON/);
    const huge = await alice.api.post('/goals', { type: 'INDIVIDUAL', title: 'x'.repeat(2_000_000) });
    expect(huge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('an unknown id is a 404, a goal of someone else a 404 too, an action not yours a 403, no credential a 401', async () => {
    const { alice, carol, sam } = people;
    expect(await alice.api.get('/goals/999999')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'No goal with id 999999' },
    });
    const goal = (await alice.api.post('/goals', { type: 'INDIVIDUAL', title: 'Private' })).body;
    expect(await carol.api.get(`/goals/${goal.id}`)).toMatchObject({ status: 404 });
    expect(await alice.api.post(`/goals/${goal.id}/approve`)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await people.olivia.api.post('/goals/assign', { superviseeId: alice.id, title: 'Not mine to give' })).toMatchObject({
      status: 403,
    });
    expect(await jsonClient(`${server.url}/api/v1`).get('/goals/mine')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect(await jsonClient(`${server.url}/api/v1`, 'not-a-token').post(`/goals/${goal.id}/approve`)).toMatchObject({ status: 401 });
    expect(await sam.api.post(`/goals/${goal.id}/approve`)).toMatchObject({ status: 200 });
    expect(await sam.api.post(`/goals/${goal.id}/reject`, { reason: 'Too late' })).toMatchObject({
      status: 409,
      body: { message: 'This goal was already approved by you, so it cannot be rejected' },
    });
  });

  it('an unknown path is a 404 and a wrong method a 405, both in JSON', async () => {
    expect(await people.alice.api.get('/nothing-here')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const wrong = await people.alice.api.put('/goals/mine');
    expect(wrong).toMatchObject({ status: 405, body: { code: 'METHOD_NOT_SUPPORTED' } });
    expect(wrong.headers.get('allow')).toBe('GET, PATCH'); // GET /goals/mine, PATCH /goals/{id}
  });

  it('reading query text as numbers leaves the tRPC inputs strict', async () => {
    const goal = (await people.alice.api.post('/goals', { type: 'INDIVIDUAL', title: 'Strict' })).body;
    expect((await people.alice.api.get(`/goals/${goal.id}`)).status).toBe(200);
    const error = await failure(httpClient(server.url, people.alice.token).goals.byId.query({ id: String(goal.id) } as never));
    expect(error.message).toBe('id must be a number');
  });
});

describe('API keys', () => {
  it('read any goal with goals:read, and no more', async () => {
    const goal = (await people.carol.api.post('/goals', { type: 'INDIVIDUAL', title: "Carol's own" })).body;
    const reader = jsonClient(
      `${server.url}/api/v1`,
      (await issueApiKey(server.db, { name: 'reviews', scopes: ['goals:read'], createdBy: null })).secret,
    );
    expect(await reader.get(`/goals/${goal.id}`)).toMatchObject({
      status: 200,
      body: { id: goal.id, allowedActions: [], history: [{ action: 'create' }] },
    });
    expect(await reader.get('/goals/999999')).toMatchObject({ status: 404 });
    expect(await reader.post(`/goals/${goal.id}/approve`)).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining('An API key cannot') },
    });
    expect(await reader.get('/users')).toMatchObject({
      status: 403,
      body: { message: 'The API key "reviews" lacks the scope users:read' },
    });
  });

  it('list users with users:read; people need to be administrators', async () => {
    const directory = jsonClient(
      `${server.url}/api/v1`,
      (await issueApiKey(server.db, { name: 'directory', scopes: ['users:read'], createdBy: null })).secret,
    );
    const users = await directory.get('/users');
    expect(users.status).toBe(200);
    expect(users.body.find((u: any) => u.email === 'alice@demo.pms')).toEqual({
      id: people.alice.id,
      email: 'alice@demo.pms',
      name: 'Alice Analyst',
      supervisorId: people.sam.id,
      permissions: [],
      active: true,
    });
    expect((await people.admin.api.get('/users')).status).toBe(200);
    expect((await people.alice.api.get('/users')).status).toBe(403);
  });
});

describe('users', () => {
  it('are created and changed by administrators', async () => {
    const created = await people.admin.api.post('/users', {
      email: 'rita@demo.pms',
      name: 'Rita Rest',
      password: 'a-long-enough-passphrase',
      supervisorId: people.sam.id,
    });
    expect(created).toMatchObject({ status: 200, body: { email: 'rita@demo.pms', supervisorId: people.sam.id, active: true } });
    expect(created.body).not.toHaveProperty('password');
    expect(await people.admin.api.patch(`/users/${created.body.id}`, { name: 'Rita Renamed', active: false })).toMatchObject({
      status: 200,
      body: { name: 'Rita Renamed', active: false },
    });
    expect(
      await people.admin.api.post('/users', { email: 'rita@demo.pms', name: 'Again', password: 'a-long-enough-passphrase' }),
    ).toMatchObject({
      status: 409,
      body: { message: 'email: a user with this email already exists' },
    });
    expect(await people.alice.api.post('/users', { email: 'x@demo.pms', name: 'X', password: 'a-long-enough-passphrase' })).toMatchObject({
      status: 403,
    });
    expect(await people.admin.api.patch('/users/999999', { name: 'Nobody' })).toMatchObject({ status: 404 });
  });
});
