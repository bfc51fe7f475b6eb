import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff';

const options = { baseMs: 500, maxMs: 15_000 };
const lowest = () => 0;
const highest = () => 1;

describe('reconnectDelay', () => {
  it('doubles the window with each attempt', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, highest, options))).toEqual([500, 1000, 2000, 4000]);
  });

  it('jitters within the upper half of the window', () => {
    expect(reconnectDelay(2, lowest, options)).toBe(1000);
    expect(reconnectDelay(2, () => 0.5, options)).toBe(1500);
    expect(reconnectDelay(2, highest, options)).toBe(2000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(reconnectDelay(6, highest, options)).toBe(15_000);
    expect(reconnectDelay(1000, highest, options)).toBe(15_000);
    expect(reconnectDelay(1000, lowest, options)).toBe(7_500);
  });

  it('spreads clients that retry at the same moment', () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(3)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});
