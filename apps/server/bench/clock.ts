/**
 * The one clock for stamps that the bench compares between its processes (commits, deliveries,
 * announcements heard, GC pauses, loop stalls): CLOCK_MONOTONIC, which every process on the
 * machine shares. `performance.timeOrigin` is read off the wall clock when a process starts, so
 * stamps built on it disagree between processes once the wall clock is stepped, as it was after
 * the VM stopped for 750 ms (commit -> client then read 25 ms too long in every delivery, and
 * NOTIFY heard -> client -457 ms; eighteenth session).
 */
const originMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/** Now, in ms on the shared clock. */
export const clockNow = (): number => originMs + performance.now();

/** A `performance` timestamp (a PerformanceEntry's `startTime`, say) on the shared clock. */
export const onClock = (performanceMs: number): number => originMs + performanceMs;
