import { vi } from 'vitest';

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Polls `condition` (vitest's `vi.waitUntil`, every 10 ms) until it returns something truthy, and
 * returns that. Gives up after `timeoutMs` naming `what` it waited for, so that a state change that
 * never comes fails the test by name rather than by the test's own timeout. An error `condition`
 * throws ends the wait at once.
 */
export async function until<T>(condition: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<Truthy<Awaited<T>>> {
  try {
    return (await vi.waitUntil(condition, { timeout: timeoutMs, interval: 10 })) as Truthy<Awaited<T>>;
  } catch (error) {
    if ((error as Error).message === 'Timed out in waitUntil!') throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    throw error;
  }
}
