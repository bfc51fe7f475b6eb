import { describe, expect, it } from 'vitest';
import { formatDate, timeAgo } from './time';

const now = new Date('2026-11-25T12:00:00Z');
const before = (ms: number) => new Date(now.getTime() - ms);

describe('timeAgo', () => {
  it('says just now for the last minute, including clocks slightly ahead', () => {
    expect(timeAgo(before(59_000), now)).toBe('just now');
    expect(timeAgo(before(-5_000), now)).toBe('just now');
  });

  it('counts whole minutes, hours and days', () => {
    const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    expect(timeAgo(before(5 * 60_000 + 30_000), now)).toBe(relative.format(-5, 'minute'));
    expect(timeAgo(before(3 * 3_600_000), now)).toBe(relative.format(-3, 'hour'));
    expect(timeAgo(before(86_400_000 + 1), now)).toBe(relative.format(-1, 'day'));
  });

  it('gives the date once it is over a week old', () => {
    expect(timeAgo(before(8 * 86_400_000), now)).toMatch(/2026/);
    expect(timeAgo(before(8 * 86_400_000), now)).toBe(formatDate(before(8 * 86_400_000)));
  });
});

describe('formatDate', () => {
  it('reads a due date as that day where the reader is, whatever their time zone', () => {
    expect(formatDate('2026-12-15')).toBe(formatDate(new Date(2026, 11, 15)));
    expect(formatDate('2026-12-15')).toMatch(/15/);
  });
});
