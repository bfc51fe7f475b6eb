import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDay, formatDuration, timeAgo } from './time';

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

  it('speaks the language it is given', () => {
    expect(timeAgo(before(5 * 60_000), now, 'de-DE')).toBe('vor 5 Minuten');
    expect(timeAgo(before(86_400_000 + 1), now, 'de-DE')).toBe('gestern');
    expect(timeAgo(before(3 * 3_600_000), now, 'en-GB')).toBe('3 hours ago');
  });
});

describe('formatDate', () => {
  it('reads a due date as that day where the reader is, whatever their time zone', () => {
    expect(formatDate('2026-12-15')).toBe(formatDate(new Date(2026, 11, 15)));
    expect(formatDate('2026-12-15')).toMatch(/15/);
  });

  it('writes the date the way the reader’s language does', () => {
    expect(formatDate('2026-12-15', 'en-GB')).toBe('15 Dec 2026');
    expect(formatDate('2026-12-15', 'en-US')).toBe('Dec 15, 2026');
    expect(formatDate('2026-12-15', 'de-DE')).toBe('15. Dez. 2026');
    expect(formatDay('2026-03-05', 'de-DE')).toBe('5. März');
    expect(formatDay('2026-03-05', 'en-GB')).toBe('5 Mar');
    expect(formatDay(undefined, 'en-GB')).toBe(''); // a chart's tooltip before it points at a day

  });

  it('writes date and time in the reader’s language too', () => {
    const noon = new Date(2026, 11, 15, 14, 5);
    expect(formatDateTime(noon, 'de-DE')).toBe('15.12.2026, 14:05');
    expect(formatDateTime(noon, 'en-GB')).toBe('15 Dec 2026, 14:05');
  });
});

describe('formatDuration', () => {
  it('gives the largest unit and the next one, rounded down', () => {
    expect(formatDuration(4 * 3600 + 12 * 60 + 59)).toBe('4 h 12 min');
    expect(formatDuration(2 * 86_400 + 3 * 3600)).toBe('2 d 3 h');
    expect(formatDuration(90)).toBe('1 min 30 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(80_000, 1)).toBe('22 h'); // an axis tick
  });

  it('leaves out a zero second unit, and says so when there is nothing', () => {
    expect(formatDuration(3 * 3600 + 20)).toBe('3 h');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(null)).toBe('—');
  });
});
