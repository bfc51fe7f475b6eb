/**
 * The original deployment's HTTP API at its original paths, as its frontend and scripts call it:
 * plain fetch, `Authorization: Bearer <session token>`, snake_case JSON, FastAPI's `{"detail"}`
 * errors. The same procedures answer, so what one path changes the others (and /api/v1) see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@pms/db';
import { jsonClient, type JsonClient } from './support/rest.js';
import { login, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let admin: JsonClient;
let sam: JsonClient;
let alice: JsonClient;
let aliceId: number;

beforeAll(async () => {
  server = await startTestServer();
  admin = jsonClient(server.url, (await login(server.url, 'admin@demo.pms')).token);
  sam = jsonClient(server.url, (await login(server.url, 'sam@demo.pms')).token);
  const signedIn = await login(server.url, 'alice@demo.pms');
  alice = jsonClient(server.url, signedIn.token);
  aliceId = signedIn.user.id;
});
afterAll(() => server?.close());

describe('the curl checks of the original deployment', () => {
  it('start from a token that POST /api/v1/auth/login gives', async () => {
    const signIn = await jsonClient(`${server.url}/api/v1`).post('/auth/login', { email: 'admin@demo.pms', password: DEMO_PASSWORD });
    expect(signIn).toMatchObject({ status: 200, body: { token: expect.any(String), user: { email: 'admin@demo.pms' } } });
    expect(await jsonClient(server.url, signIn.body.token).get('/api/notifications/connection-stats')).toMatchObject({ status: 200 });
    expect(await jsonClient(`${server.url}/api/v1`).post('/auth/login', { email: 'admin@demo.pms', password: 'wrong' })).toMatchObject({
      status: 401,
      body: { message: 'Email or password is incorrect' },
    });
  });

  it('GET /api/notifications/stats', async () => {
    const { status, body } = await alice.get('/api/notifications/stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total_count: expect.any(Number), unread_count: expect.any(Number) });
    expect(body.by_type.GOAL_SUBMITTED).toBe(0);
    expect(body.by_priority.NORMAL).toEqual(expect.any(Number));
  });

  it('GET /api/notifications/connection-stats (administrators)', async () => {
    const { status, body } = await admin.get('/api/notifications/connection-stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total_connections: 0, unique_users: 0, instances: [{ instance_id: expect.any(String) }] });
    expect(await alice.get('/api/notifications/connection-stats')).toMatchObject({
      status: 403,
      body: { detail: 'Only administrators may do this' },
    });
  });
});

describe('goals', () => {
  it('are assigned, accepted, declined, approved and rejected at the original paths', async () => {
    const assigned = await sam.post(`/api/goals/assign?assigned_to_user_id=${aliceId}`, {
      title: 'Keep the old clients working',
      due_date: `${new Date().getUTCFullYear()}-12-31`,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      status: 'PENDING_ACCEPTANCE',
      owner_id: aliceId,
      goal_type: 'INDIVIDUAL',
      due_date: `${new Date().getUTCFullYear()}-12-31`,
    });
    expect(await alice.put(`/api/goals/${assigned.body.id}/accept`)).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });

    const other = (await sam.post(`/api/goals/assign?assigned_to_user_id=${aliceId}`, { title: 'Another one' })).body;
    expect(await alice.put(`/api/goals/${other.id}/decline?decline_reason=${encodeURIComponent('No time')}`)).toMatchObject({
      status: 200,
      body: { status: 'DECLINED', decline_reason: 'No time' },
    });

    // Alice's own goal, created with /api/v1, decided at the original paths.
    const v1 = jsonClient(`${server.url}/api/v1`, (await login(server.url, 'alice@demo.pms')).token);
    const own = (await v1.post('/goals', { type: 'INDIVIDUAL', title: 'Learn the new API' })).body;
    const pending = await sam.get('/api/goals/pending-approval');
    expect(pending.status).toBe(200);
    expect(pending.body.map((g: any) => g.id)).toContain(own.id);
    expect(await sam.put(`/api/goals/${own.id}/reject?rejection_reason=Vague`)).toMatchObject({
      status: 200,
      body: { status: 'REJECTED', rejection_reason: 'Vague' },
    });
    await v1.post(`/goals/${own.id}/submit`);
    expect(await sam.put(`/api/goals/${own.id}/approve`)).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });

    const team = await sam.get('/api/goals/supervisee-goals');
    expect(team.body.map((g: any) => g.id)).toEqual(expect.arrayContaining([assigned.body.id, other.id, own.id]));
    expect(team.body[0]).toMatchObject({ owner_name: expect.any(String), created_at: expect.stringMatching(/Z$/) });
  });

  it('fail as FastAPI did: {"detail"}, 422 for input that does not validate', async () => {
    expect(await sam.put('/api/goals/1/reject')).toMatchObject({ status: 422, body: { detail: 'rejection_reason is required' } });
    expect(await sam.post('/api/goals/assign?assigned_to_user_id=abc', { title: 'x' })).toMatchObject({
      status: 422,
      body: { detail: 'assigned_to_user_id must be a number' },
    });
    expect(await sam.post(`/api/goals/assign?assigned_to_user_id=${aliceId}`, { title: '' })).toMatchObject({
      status: 422,
      body: { detail: 'title must not be empty' },
    });
    expect(await sam.put('/api/goals/abc/approve')).toMatchObject({ status: 422, body: { detail: 'id must be a number' } });
    expect(await sam.put('/api/goals/999999/approve')).toMatchObject({ status: 404, body: { detail: 'No goal with id 999999' } });
    expect(await alice.post(`/api/goals/assign?assigned_to_user_id=${aliceId}`, { title: 'Self' })).toMatchObject({ status: 403 });
    expect(await jsonClient(server.url).get('/api/goals/pending-approval')).toMatchObject({
      status: 401,
      body: { detail: 'Sign in to continue' },
    });
    expect(await sam.get('/api/nothing')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
  });
});

describe('notifications', () => {
  it('are listed with skip, limit and unread_only, marked read, all read, and deleted', async () => {
    const all = await alice.get('/api/notifications?limit=100');
    expect(all.status).toBe(200);
    expect(all.body.length).toBeGreaterThanOrEqual(3); // assigned twice, rejected, approved
    expect(all.body[0]).toMatchObject({ user_id: aliceId, is_read: false, read_at: null, notification_type: expect.any(String) });
    const unreadBefore = all.body.filter((n: any) => !n.is_read).map((n: any) => n.id);
    expect((await alice.get('/api/notifications?skip=1&limit=2')).body.map((n: any) => n.id)).toEqual(
      all.body.slice(1, 3).map((n: any) => n.id),
    );

    const first = all.body[0];
    expect(await alice.put(`/api/notifications/${first.id}/read`)).toMatchObject({ status: 200, body: { id: first.id, is_read: true } });
    const unread = (await alice.get('/api/notifications?unread_only=true')).body.map((n: any) => n.id);
    expect(unread).not.toContain(first.id);
    expect(unread).toEqual(unreadBefore.filter((id: number) => id !== first.id));

    expect(await alice.put('/api/notifications/mark-all-read')).toMatchObject({
      status: 200,
      body: { message: 'All notifications marked as read' },
    });
    expect((await alice.get('/api/notifications/stats')).body.unread_count).toBe(0);
    expect(await alice.get('/api/notifications?unread_only=true')).toMatchObject({ status: 200, body: [] });

    expect(await alice.delete(`/api/notifications/${first.id}`)).toMatchObject({
      status: 200,
      body: { message: 'Notification deleted', id: first.id },
    });
    expect(await alice.delete(`/api/notifications/${first.id}`)).toMatchObject({
      status: 404,
      body: { detail: `No notification with id ${first.id}` },
    });
    expect(await sam.put(`/api/notifications/${all.body[1].id}/read`)).toMatchObject({ status: 404 });
    expect(await alice.get('/api/notifications?limit=500')).toMatchObject({
      status: 422,
      body: { detail: 'limit must be between 0 and 100' },
    });
    expect(await alice.get('/api/notifications?unread_only=perhaps')).toMatchObject({
      status: 422,
      body: { detail: 'unread_only must be true or false' },
    });
  });
});
