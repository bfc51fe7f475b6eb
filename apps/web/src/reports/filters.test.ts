import { describe, expect, it } from 'vitest';
import { filterOf, formatView, parseView, presetDays } from './filters';

const today = new Date('2026-11-25T10:00:00Z');

describe('parseView and formatView', () => {
  it('round-trip a custom range and a team, and leave the defaults out of the URL', () => {
    const view = { range: 'custom' as const, from: '2026-10-01', to: '2026-10-31', teamId: 4 };
    expect(parseView(formatView(view))).toEqual(view);
    expect(formatView({ range: '30d' })).toBe('');
    expect(formatView({ range: 'quarter', from: '2026-01-01' })).toBe('range=quarter');
  });

  it('drops what is unknown or malformed', () => {
    expect(parseView('range=forever&team=abc&from=2026-10-01')).toEqual({ range: '30d' });
    expect(parseView('range=custom&from=yesterday&to=2026-10-31&team=-2')).toEqual({ range: 'custom', to: '2026-10-31' });
  });
});

describe('presetDays', () => {
  it('ends today and counts today among the days', () => {
    expect(presetDays('7d', today)).toEqual({ from: '2026-11-19', to: '2026-11-25' });
    expect(presetDays('90d', today)).toEqual({ from: '2026-08-28', to: '2026-11-25' });
  });

  it('starts this quarter on its first day', () => {
    expect(presetDays('quarter', today)).toEqual({ from: '2026-10-01', to: '2026-11-25' });
    expect(presetDays('quarter', new Date('2026-01-01T00:00:00Z'))).toEqual({ from: '2026-01-01', to: '2026-01-01' });
  });
});

describe('filterOf', () => {
  it('gives the report input of a preset, with the team', () => {
    expect(filterOf({ range: '30d', teamId: 2 }, today)).toEqual({ filter: { from: '2026-10-27', to: '2026-11-25', teamId: 2 } });
  });

  it('checks a custom range with the shared schema', () => {
    expect(filterOf({ range: 'custom', from: '2026-11-10', to: '2026-11-01' }, today)).toEqual({ error: 'to must not be before from' });
    expect(filterOf({ range: 'custom', from: '2024-01-01', to: '2026-11-01' }, today)).toEqual({ error: 'a report covers at most 366 days (from to to)' });
    expect(filterOf({ range: 'custom', from: '2026-11-01' }, today)).toEqual({ filter: { from: '2026-11-01', to: '2026-11-25' } });
  });
});
