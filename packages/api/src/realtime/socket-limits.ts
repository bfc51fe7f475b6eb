/**
 * What one WebSocket message may carry, and how often a socket may send one. Checked by the
 * ConnectionRegistry before tRPC reads the message (see ConnectionRegistry.Socket).
 */
import type { RawData } from 'ws';

export interface MessageLimits {
  /** Calls one message may carry (tRPC accepts a JSON array of calls in one frame). */
  maxCallsPerMessage: number;
  /** Calls a socket may send per second, on average… */
  messagesPerSecond: number;
  /** …and at once, after a quiet spell. */
  messageBurst: number;
}

/**
 * A token bucket as two plain fields on a socket's record: no timer or closure per socket.
 * `tokens` counts thousandths of a call, so both fields stay small integers (no boxed doubles).
 */
export interface MessageBucket {
  tokens: number;
  /** When `tokens` was last topped up: milliseconds on the clock below. */
  refilledAt: number;
}

const MILLI = 1000;
const CLOCK_START = Date.now();
/** V8 keeps integers below 2^30 unboxed in an object's fields: the clock wraps there (every ~12 days). */
const CLOCK_WRAP = 2 ** 30;

/** Milliseconds since this module loaded, wrapping: a small integer for the buckets' timestamps. */
export function bucketClock(): number {
  return (Date.now() - CLOCK_START) % CLOCK_WRAP;
}

/** Milliseconds from `since` to `now`, both read off bucketClock (at most one wrap apart). */
export function elapsedOnClock(since: number, now: number): number {
  return (now - since + CLOCK_WRAP) % CLOCK_WRAP;
}

export function fullBucket(limits: MessageLimits, now: number): MessageBucket {
  return { tokens: limits.messageBurst * MILLI, refilledAt: now };
}

/** Takes `calls` tokens; false (and nothing taken) when the socket is over its rate. */
export function takeCalls(bucket: MessageBucket, calls: number, now: number, limits: MessageLimits): boolean {
  // messagesPerSecond calls per 1000 ms is messagesPerSecond thousandths per ms; across a wrap, a full bucket.
  const elapsed = now - bucket.refilledAt;
  const capacity = limits.messageBurst * MILLI;
  bucket.tokens = elapsed < 0 ? capacity : Math.min(capacity, bucket.tokens + elapsed * limits.messagesPerSecond);
  bucket.refilledAt = now;
  const cost = calls * MILLI;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}

/**
 * The number of calls in one message: 1, unless it is a JSON array. Only arrays are parsed
 * (tRPC parses the message again; a frame is at most 64 KB); what does not parse counts as
 * one call, and tRPC answers it with a parse error.
 */
export function callsInMessage(data: RawData): number {
  if (!Buffer.isBuffer(data)) return 1;
  let start = 0;
  while (start < data.length && isJsonSpace(data[start]!)) start++;
  if (data[start] !== 0x5b /* [ */) return 1;
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'));
    return Array.isArray(parsed) ? Math.max(1, parsed.length) : 1;
  } catch {
    return 1;
  }
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
