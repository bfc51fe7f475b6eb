/**
 * A person's clock: the minute of their day now, whether it falls in their quiet hours, and when
 * those end. Counted in minutes from now, so a day that changes to or from summer time may end
 * quiet hours up to an hour early or late, once.
 */
import type { DeliverySettings } from './effective.js';
import { minuteOfDay } from './effective.js';

/** Minutes after local midnight in `timeZone` at `at`. */
export function localMinute(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return part('hour') * 60 + part('minute');
}

/** The local calendar date in `timeZone` at `at`, `2026-12-02`. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** When the quiet hours that hold `at` end, or null when `at` is not in quiet hours. */
export function quietUntil(settings: DeliverySettings, at: Date): Date | null {
  if (!settings.quietHours) return null;
  const start = minuteOfDay(settings.quietHours.start);
  const end = minuteOfDay(settings.quietHours.end);
  const now = localMinute(at, settings.timeZone);
  const quiet = start < end ? now >= start && now < end : now >= start || now < end;
  if (!quiet) return null;
  const minutesLeft = (end - now + 1440) % 1440;
  const startOfMinute = at.getTime() - (at.getTime() % 60_000);
  return new Date(startOfMinute + minutesLeft * 60_000);
}
