/** When a person's quiet hours end, for work that must wait for them (email, digests). */
import { quietMinutesLeft } from '@pms/shared';
import type { DeliverySettings } from './effective.js';

/** When the quiet hours that hold `at` end (to the minute), or null when `at` is not in quiet hours. */
export function quietUntil(settings: DeliverySettings, at: Date): Date | null {
  const minutesLeft = quietMinutesLeft(settings.quietHours, settings.timeZone, at);
  if (minutesLeft === null) return null;
  const startOfMinute = at.getTime() - (at.getTime() % 60_000);
  return new Date(startOfMinute + minutesLeft * 60_000);
}
