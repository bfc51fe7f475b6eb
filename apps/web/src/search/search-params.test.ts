import { describe, expect, it } from 'vitest';
import { formatSearchParams, parseSearchParams } from './search-params';

describe('search words and filters in the query string', () => {
  it('round-trips every filter', () => {
    const params = { q: 'quar rev', kinds: ['goals' as const], status: 'ACTIVE' as const, goalType: 'QUARTERLY' as const, read: 'unread' as const, notificationType: 'GOAL_SUBMITTED' };
    expect(formatSearchParams(params)).toBe('q=quar+rev&kinds=goals&status=ACTIVE&goalType=QUARTERLY&read=unread&notificationType=GOAL_SUBMITTED');
    expect(parseSearchParams(formatSearchParams(params))).toEqual(params);
  });

  it('leaves the defaults out: both kinds, no filter', () => {
    expect(formatSearchParams({ q: ' plan ', kinds: ['goals', 'notifications'] })).toBe('q=plan');
    expect(parseSearchParams('q=plan')).toEqual({ q: 'plan', kinds: ['goals', 'notifications'] });
  });

  it('drops values it does not know rather than failing', () => {
    expect(parseSearchParams('?q=plan&kinds=users&status=DONE&goalType=x&read=maybe&notificationType=no%20such')).toEqual(parseSearchParams('q=plan'));
    expect(parseSearchParams('kinds=notifications,users').kinds).toEqual(['notifications']);
  });
});
