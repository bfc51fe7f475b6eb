import { describe, expect, it } from 'vitest';
import { reconnectDelayMs, wsKeepAlive } from '../src/realtime.js';

const options = { baseMs: 500, maxMs: 15_000 };
const lowest = () => 0;
const highest = () => 1;

describe('reconnectDelayMs', () => {
  it('doubles the window with each attempt', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, { ...options, random: highest }))).toEqual([500, 1000, 2000, 4000]);
  });

  it('jitters within the upper half of the window', () => {
    expect(reconnectDelayMs(2, { ...options, random: lowest })).toBe(1000);
    expect(reconnectDelayMs(2, { ...options, random: () => 0.5 })).toBe(1500);
    expect(reconnectDelayMs(2, { ...options, random: highest })).toBe(2000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(reconnectDelayMs(6, { ...options, random: highest })).toBe(15_000);
    expect(reconnectDelayMs(1000, { ...options, random: highest })).toBe(15_000);
    expect(reconnectDelayMs(1000, { ...options, random: lowest })).toBe(7_500);
  });

  it('spreads clients that retry at the same moment', () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelayMs(3, options)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});

describe('wsKeepAlive', () => {
  it('gives each client its own interval between 20 and 25 s, so a dead socket is noticed within 30 s', () => {
    expect(wsKeepAlive(lowest)).toEqual({ enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 });
    expect(wsKeepAlive(highest).intervalMs + wsKeepAlive(highest).pongTimeoutMs).toBe(30_000);
    const intervals = new Set(Array.from({ length: 50 }, () => wsKeepAlive().intervalMs));
    expect(intervals.size).toBeGreaterThan(1);
    for (const interval of intervals) expect(interval).toBeGreaterThanOrEqual(20_000);
  });
});
