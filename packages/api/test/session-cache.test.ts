/**
 * The HTTP session cache's own rules, which the server suites cannot time: a read overtaken by a
 * change is not kept, nothing is kept or trusted while the listener is down, and an entry never
 * outlives its session. (sessions.transports.test.ts shows it exact across real instances.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionCache } from '../src/auth/session-cache.js';
import type { Session } from '../src/trpc.js';

const session = (id: string, userId: number, expiresInMs = 3_600_000): Session => ({
  id,
  expiresAt: new Date(Date.now() + expiresInMs),
  user: { id: userId, email: `u${userId}@x.test`, name: `U${userId}`, supervisorId: null, permissions: [] },
});

/** A read for `resolve` that answers `answer` and counts its calls. */
const reader = (answer: Session | null) => vi.fn(async () => answer);

afterEach(() => vi.useRealTimers());

describe('SessionCache', () => {
  it('reads a token once, then answers from memory', async () => {
    const cache = new SessionCache();
    const read = reader(session('s1', 1));
    expect((await cache.resolve('t1', read))?.id).toBe('s1');
    expect((await cache.resolve('t1', read))?.id).toBe('s1');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('never keeps an unknown token, nor a call without one', async () => {
    const cache = new SessionCache();
    const read = reader(null);
    await cache.resolve('bad', read);
    await cache.resolve('bad', read);
    await cache.resolve(null, read);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('drops the entries of a revoked session and of a changed user', async () => {
    const cache = new SessionCache();
    const [r1, r2, r3] = [reader(session('s1', 1)), reader(session('s2', 2)), reader(session('s3', 3))];
    for (const [token, read] of [['t1', r1], ['t2', r2], ['t3', r3]] as const) await cache.resolve(token, read);
    cache.changed([2], ['s1']);
    for (const [token, read] of [['t1', r1], ['t2', r2], ['t3', r3]] as const) await cache.resolve(token, read);
    expect([r1, r2, r3].map((read) => read.mock.calls.length)).toEqual([2, 2, 1]);
  });

  it('does not keep a read that a change overtook', async () => {
    const cache = new SessionCache();
    let answer!: (value: Session) => void;
    const slow = vi.fn(() => new Promise<Session>((resolve) => (answer = resolve)));
    const pending = cache.resolve('t1', slow);
    cache.changed([1], []); // the user changes while the read is on its way
    answer(session('s1', 1));
    expect((await pending)?.id).toBe('s1');
    const again = reader(session('s1', 1));
    await cache.resolve('t1', again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  it('keeps and trusts nothing while the listener is down', async () => {
    const cache = new SessionCache();
    const read = reader(session('s1', 1));
    await cache.resolve('t1', read);
    cache.listenerLost();
    await cache.resolve('t1', read);
    await cache.resolve('t1', read);
    expect(read).toHaveBeenCalledTimes(3);
    cache.listenerBack();
    await cache.resolve('t1', read);
    await cache.resolve('t1', read);
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('reads again once the session has expired, and after a minute in any case', async () => {
    vi.useFakeTimers();
    const cache = new SessionCache();
    const short = reader(session('s1', 1, 5_000));
    await cache.resolve('t1', short);
    vi.advanceTimersByTime(5_001);
    await cache.resolve('t1', short);
    expect(short).toHaveBeenCalledTimes(2);

    const long = reader(session('s2', 2));
    await cache.resolve('t2', long);
    vi.advanceTimersByTime(59_000);
    await cache.resolve('t2', long);
    vi.advanceTimersByTime(1_001);
    await cache.resolve('t2', long);
    expect(long).toHaveBeenCalledTimes(2);
  });
});
