import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Fails each test of the file during which an error went unhandled: an 'error' event nobody
 * listens to, a rejection nobody catches. Either ends a production process; vitest runs the
 * server in-process, survives them and reports them apart, after tests that look green.
 */
export function failOnCrashes(): void {
  const crashes: unknown[] = [];
  const record = (error: unknown) => crashes.push(error);
  beforeEach(() => {
    crashes.length = 0;
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
    expect(crashes, 'errors nobody handled: each would have ended the server process').toEqual([]);
  });
}
