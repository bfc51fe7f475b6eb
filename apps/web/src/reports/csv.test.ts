import { describe, expect, it } from 'vitest';
import { csvFileName, REPORT_CSV, toCsv } from './csv';

describe('toCsv', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180), and ends lines in CRLF', () => {
    const text = toCsv({ header: ['name', 'note'], rows: [['plain', 'a, b'], ['say "hi"', 'two\nlines'], [null, 3]] });
    expect(text).toBe('name,note\r\nplain,"a, b"\r\n"say ""hi""","two\nlines"\r\n,3\r\n');
  });
});

describe('REPORT_CSV', () => {
  it('gives read rates and durations in seconds and readable', () => {
    const table = REPORT_CSV.notificationReads({
      rows: [{ type: 'GOAL_APPROVED', sent: 3, read: 2, readRate: 2 / 3, medianSeconds: 15_120, p90Seconds: null }],
    });
    expect(toCsv(table)).toBe(
      'type,sent,read,read_rate,median_time_to_read_seconds,median_time_to_read,p90_time_to_read_seconds,p90_time_to_read\r\n' +
        'GOAL_APPROVED,3,2,0.6667,15120,4 h 12 min,,\r\n',
    );
  });

  it('gives one column per outcome any type had, zero where a type had none', () => {
    const table = REPORT_CSV.actionsResolved({
      rows: [
        { type: 'GOAL_SUBMITTED', asked: 4, resolved: 3, outcomes: { APPROVED: 2, REJECTED: 1 }, medianSeconds: 60, p90Seconds: 7200 },
        { type: 'GOAL_ASSIGNED', asked: 2, resolved: 1, outcomes: { ACCEPTED: 1 }, medianSeconds: 30, p90Seconds: 30 },
      ],
    });
    expect(table.header.slice(0, 6)).toEqual(['type', 'asked', 'resolved', 'accepted', 'approved', 'rejected']);
    expect(table.rows).toEqual([
      ['GOAL_SUBMITTED', 4, 3, 0, 2, 1, 60, '1 min', 7200, '2 h'],
      ['GOAL_ASSIGNED', 2, 1, 1, 0, 0, 30, '30 s', 30, '30 s'],
    ]);
  });

  it('puts the whole range first in approval turnaround, then each week', () => {
    const table = REPORT_CSV.approvalTurnaround({
      decided: 5,
      approved: 4,
      rejected: 1,
      medianSeconds: 3600,
      p90Seconds: 90_000,
      weeks: [{ week: '2026-11-23', decided: 5, medianSeconds: 3600 }],
    });
    expect(table.rows).toEqual([
      ['all', 5, 4, 1, 3600, '1 h', 90_000, '1 d 1 h'],
      ['2026-11-23', 5, null, null, 3600, '1 h', null, null],
    ]);
  });

  it('gives each pending age bucket with the oldest wait, and goal responses as one row', () => {
    const pending = REPORT_CSV.pendingDecisions({ rows: [{ age: 'under 1 day', approval: 1, acceptance: 2 }], oldestSeconds: 50 });
    expect(pending.rows).toEqual([['under 1 day', 1, 2, 50, '50 s']]);
    const responses = REPORT_CSV.goalResponses({ assigned: 4, accepted: 2, declined: 1, open: 1, acceptanceRate: 0.5, declineRate: 0.25 });
    expect(toCsv(responses)).toBe('assigned,accepted,declined,open,acceptance_rate,decline_rate\r\n4,2,1,1,0.5,0.25\r\n');
  });

  it('keeps every day and type of notifications sent, and every quarter of completion', () => {
    expect(REPORT_CSV.notificationsSent({ rows: [{ day: '2026-11-02', type: 'GOAL_ASSIGNED', sent: 7 }] }).rows).toEqual([['2026-11-02', 'GOAL_ASSIGNED', 7]]);
    const completion = REPORT_CSV.goalCompletion({ rows: [{ quarter: '2026-Q4', type: 'INDIVIDUAL', goals: 3, completed: 0, completionRate: 0 }] });
    expect(completion.rows).toEqual([['2026-Q4', 'INDIVIDUAL', 3, 0, 0]]);
  });
});

describe('csvFileName', () => {
  it('names the report and its filters', () => {
    expect(csvFileName('goalResponses', { from: '2026-11-01', to: '2026-11-30' })).toBe('goalResponses_2026-11-01_2026-11-30.csv');
    expect(csvFileName('goalResponses', { from: '2026-11-01', to: '2026-11-30', teamId: 3 })).toBe('goalResponses_2026-11-01_2026-11-30_team-3.csv');
  });
});
