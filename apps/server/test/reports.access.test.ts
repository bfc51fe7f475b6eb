/**
 * Who may see which report: administrators the organisation or any supervisor's team, a
 * supervisor their own team only, nobody else any; every report, over tRPC and one over REST.
 */
import { describe, expect, it } from 'vitest';
import { REPORTS, type ReportName } from '@pms/shared';
import { useDemoServer } from './support/goals.js';
import { failure, httpClient, outcome, type Client } from './support/server.js';

const { server, people } = useDemoServer();
const range = { from: '2026-01-01', to: '2026-03-31' };
const names = Object.keys(REPORTS) as ReportName[];
const call = (api: Client, name: ReportName, teamId?: number) => api.reports[name].query({ ...range, teamId });

describe('reports: the access matrix', () => {
  it.each(names)('%s: administrators, supervisors, others, anonymous', async (name) => {
    const { admin, sam, olivia, alice } = people;
    const matrix = {
      'admin, organisation': await outcome(call(admin.api, name)),
      "admin, sam's team": await outcome(call(admin.api, name, sam.id)),
      "admin, alice (supervises nobody)": await outcome(call(admin.api, name, alice.id)),
      'sam, own team (implicit)': await outcome(call(sam.api, name)),
      'sam, own team (named)': await outcome(call(sam.api, name, sam.id)),
      "olivia, sam's team": await outcome(call(olivia.api, name, sam.id)),
      'alice': await outcome(call(alice.api, name)),
      'anonymous': await outcome(call(httpClient(server.url), name)),
    };
    expect(matrix).toEqual({
      'admin, organisation': 'ok',
      "admin, sam's team": 'ok',
      "admin, alice (supervises nobody)": 'NOT_FOUND',
      'sam, own team (implicit)': 'ok',
      'sam, own team (named)': 'ok',
      "olivia, sam's team": 'FORBIDDEN',
      'alice': 'FORBIDDEN',
      'anonymous': 'UNAUTHORIZED',
    });
  });

  it('says why: the team refused is named, and who reports', async () => {
    expect((await failure(call(people.olivia.api, 'goalResponses', people.sam.id))).message).toBe(
      `teamId: you may report on your own team only, not on team ${people.sam.id}`,
    );
    expect((await failure(call(people.alice.api, 'goalResponses'))).message).toBe('reports are for supervisors and administrators');
    expect((await failure(people.alice.api.reports.teams.query())).message).toBe('reports are for supervisors and administrators');
  });

  it('names the bad input', async () => {
    const error = await failure(people.admin.api.reports.notificationsSent.query({ from: '2026-03-01', to: '2026-02-01' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('to must not be before from');
    const tooLong = await failure(people.admin.api.reports.notificationsSent.query({ from: '2025-01-01', to: '2026-03-01' }));
    expect(tooLong.message).toContain('at most 366 days');
    const notADate = await failure(people.admin.api.reports.notificationsSent.query({ from: 'yesterday', to: '2026-03-01' }));
    expect(notADate.message).toContain('from must be a date like 2026-03-31');
  });

  it('lists the teams each caller may pick, with their sizes', async () => {
    const { admin, sam, olivia } = people;
    expect(await admin.api.reports.teams.query()).toEqual({
      organisation: true,
      teams: [
        { id: admin.id, name: 'Ada Admin', size: 6 },
        { id: olivia.id, name: 'Olivia Supervisor', size: 2 },
        { id: sam.id, name: 'Sam Supervisor', size: 2 },
      ],
    });
    expect(await sam.api.reports.teams.query()).toEqual({ organisation: false, teams: [{ id: sam.id, name: 'Sam Supervisor', size: 2 }] });
    expect(await outcome(httpClient(server.url).reports.teams.query())).toBe('UNAUTHORIZED');
  });

  it('answers over REST with the same rules', async () => {
    const get = (path: string, token?: string) =>
      fetch(`${server.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const own = await get(`/reports/pendingDecisions?from=${range.from}&to=${range.to}`, people.sam.token);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { rows: unknown[] }).rows).toHaveLength(5);
    const other = await get(`/reports/pendingDecisions?from=${range.from}&to=${range.to}&teamId=${people.sam.id}`, people.olivia.token);
    expect(other.status).toBe(403);
    expect((await get(`/reports/teams`, people.alice.token)).status).toBe(403);
    expect((await get(`/reports/teams`)).status).toBe(401);
  });
});
