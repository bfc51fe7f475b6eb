/** The per-socket token bucket and the count of calls in a WebSocket message. */
import { describe, expect, it } from 'vitest';
import { callsInMessage, fullBucket, takeCalls } from '../src/realtime/socket-limits.js';

const limits = { maxCallsPerMessage: 10, messagesPerSecond: 50, messageBurst: 100 };

describe('takeCalls', () => {
  it('allows a burst, then the rate', () => {
    const bucket = fullBucket(limits, 0);
    expect(takeCalls(bucket, 100, 0, limits)).toBe(true);
    expect(takeCalls(bucket, 1, 0, limits)).toBe(false);
    expect(takeCalls(bucket, 1, 19, limits)).toBe(false); // 50 a second: one every 20 ms
    expect(takeCalls(bucket, 1, 20, limits)).toBe(true);
    expect(takeCalls(bucket, 5, 100, limits)).toBe(false); // 4 earned since
    expect(takeCalls(bucket, 4, 100, limits)).toBe(true);
  });

  it('never holds more than the burst, and refills fully across a wrap of the clock', () => {
    const bucket = fullBucket(limits, 1000);
    expect(takeCalls(bucket, 100, 1000, limits)).toBe(true);
    expect(takeCalls(bucket, 101, 1_000_000, limits)).toBe(false);
    expect(takeCalls(bucket, 100, 5, limits)).toBe(true); // the clock wrapped
    expect(Number.isInteger(bucket.tokens) && Number.isInteger(bucket.refilledAt)).toBe(true);
  });
});

describe('callsInMessage', () => {
  const count = (text: string) => callsInMessage(Buffer.from(text));
  it('counts the calls of an array, one for anything else', () => {
    expect(count('{"id":1}')).toBe(1);
    expect(count(' \n [{"id":1},{"id":2},{"id":3}]')).toBe(3);
    expect(count('[]')).toBe(1);
    expect(count('[{"id":1},')).toBe(1); // tRPC answers the parse error
    expect(count('PING')).toBe(1);
  });
});
