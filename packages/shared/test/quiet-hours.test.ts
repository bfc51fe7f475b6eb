import { describe, expect, it } from 'vitest';
import { localMinute, quietMinutesLeft } from '../src/quiet-hours.js';

const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('reads the clock in the person’s time zone', () => {
    expect(localMinute(at('2026-12-02T23:30:00Z'), 'Asia/Tokyo')).toBe(8 * 60 + 30);
    expect(localMinute(at('2026-12-02T23:30:00Z'), 'UTC')).toBe(23 * 60 + 30);
    expect(localMinute(at('2026-12-02T12:00:00Z'), 'Asia/Kathmandu')).toBe(17 * 60 + 45);
  });

  it('counts the minutes left of hours that wrap midnight, and none outside them', () => {
    const night = { start: '22:00', end: '07:00' };
    expect(quietMinutesLeft(night, 'UTC', at('2026-12-02T23:00:00Z'))).toBe(8 * 60);
    expect(quietMinutesLeft(night, 'UTC', at('2026-12-02T06:59:00Z'))).toBe(1);
    expect(quietMinutesLeft(night, 'UTC', at('2026-12-02T07:00:00Z'))).toBeNull();
    expect(quietMinutesLeft(night, 'UTC', at('2026-12-02T21:59:00Z'))).toBeNull();
    expect(quietMinutesLeft(night, 'Europe/Berlin', at('2026-12-02T21:30:00Z'))).toBe(8 * 60 + 30);
  });

  it('counts hours within one day, and nothing without quiet hours', () => {
    const lunch = { start: '12:00', end: '13:00' };
    expect(quietMinutesLeft(lunch, 'UTC', at('2026-12-02T12:15:00Z'))).toBe(45);
    expect(quietMinutesLeft(lunch, 'UTC', at('2026-12-02T13:00:00Z'))).toBeNull();
    expect(quietMinutesLeft(null, 'UTC', at('2026-12-02T12:15:00Z'))).toBeNull();
  });
});
