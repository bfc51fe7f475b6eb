/**
 * A person's clock, for quiet hours: the same answer on the server (email waits) and in the
 * browser (no desktop notification). Counted in minutes, so a day that changes to or from summer
 * time may end quiet hours up to an hour early or late, once.
 */
import type { QuietHours } from './preferences.js';

/** `22:30` → 1350. */
export const minuteOfDay = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Minutes after local midnight in `timeZone` at `at`. */
export function localMinute(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return part('hour') * 60 + part('minute');
}

/** Minutes of quiet hours left at `at` (they may wrap midnight), or null when `at` is outside them. */
export function quietMinutesLeft(quietHours: QuietHours | null, timeZone: string, at: Date): number | null {
  if (!quietHours) return null;
  const start = minuteOfDay(quietHours.start);
  const end = minuteOfDay(quietHours.end);
  const now = localMinute(at, timeZone);
  const quiet = start < end ? now >= start && now < end : now >= start || now < end;
  return quiet ? (end - now + 1440) % 1440 : null;
}
