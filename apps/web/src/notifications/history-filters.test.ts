import { describe, expect, it } from 'vitest';
import { formatFilters, listFilterOf, parseFilters } from './history-filters';

describe('history filters in the query string', () => {
  it('round-trips every filter', () => {
    const filters = { view: 'archived' as const, read: 'unread' as const, type: 'GOAL_SUBMITTED' as const, priority: 'HIGH' as const, q: 'launch plan' };
    expect(parseFilters(formatFilters(filters))).toEqual(filters);
    expect(formatFilters(filters)).toBe('view=archived&read=unread&type=GOAL_SUBMITTED&priority=HIGH&q=launch+plan');
  });

  it('leaves the defaults out, and starts from the inbox', () => {
    expect(formatFilters({ view: 'inbox', q: '  ' })).toBe('');
    expect(parseFilters('')).toEqual({ view: 'inbox', read: undefined, type: undefined, priority: undefined, q: undefined });
  });

  it('drops values it does not know rather than failing', () => {
    expect(parseFilters('?view=trash&read=maybe&type=no%20such&priority=urgent&q=')).toEqual(parseFilters(''));
  });

  it('keeps any well-formed type name: the registry (the page) decides whether it exists', () => {
    expect(parseFilters('?type=CHECKIN_DUE').type).toBe('CHECKIN_DUE');
  });

  it('gives the list only the filters that are set', () => {
    expect(listFilterOf({ view: 'snoozed', q: 'x' })).toEqual({ view: 'snoozed', q: 'x' });
  });
});
