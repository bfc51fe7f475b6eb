/**
 * Who hears about what, and how: every notification type belongs to a category; each person
 * chooses per category and channel, starting from the organisation's defaults. Critical types
 * (a decision waiting for you) reach the app whatever the in-app choice.
 */
import { z } from 'zod';
import type { NotificationType } from './enums.js';
import { wholeNumber } from './inputs.js';

export const NotificationCategory = z.enum(['goals', 'initiatives', 'reviews', 'system'], {
  error: 'category must be one of goals, initiatives, reviews, system',
});
export type NotificationCategory = z.infer<typeof NotificationCategory>;

export const NotificationChannel = z.enum(['inApp', 'email', 'desktop']);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/**
 * When an email goes out: at once; only if still unread (and unresolved) after the delay; in the
 * hourly or the daily digest; or not at all.
 */
export const EmailTiming = z.enum(['immediately', 'unreadAfter', 'hourly', 'daily', 'never'], {
  error: 'emailTiming must be one of immediately, unreadAfter, hourly, daily, never',
});
export type EmailTiming = z.infer<typeof EmailTiming>;

/*
 * Each type's category is the registry's (table notification_types; the server's
 * notifications/types.ts, the SPA's notificationTypes.list): a module registers its types in one.
 */

/** Decisions waiting for the recipient: always shown in the app. */
export const CRITICAL_TYPES: readonly NotificationType[] = ['GOAL_SUBMITTED', 'GOAL_ASSIGNED'];

/** One category's settings, as stored for the organisation and as they apply to a person. */
export const categoryPreference = z.object({
  inApp: z.boolean({ error: 'inApp must be true or false' }),
  email: z.boolean({ error: 'email must be true or false' }),
  desktop: z.boolean({ error: 'desktop must be true or false' }),
  emailTiming: EmailTiming,
  /** For `unreadAfter`: minutes to wait for the notification to be read in the app. */
  unreadDelayMinutes: wholeNumber('unreadDelayMinutes', 1, 10_080),
});
export type CategoryPreference = z.infer<typeof categoryPreference>;

/** `HH:MM`, 24-hour clock, in the person's time zone. */
const clockTime = (field: string) =>
  z.string({ error: `${field} must be a time like 22:00` }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: `${field} must be a time like 22:00` });

/** An IANA time zone name the server knows (`Europe/Berlin`, `UTC`). */
export const timeZone = z
  .string({ error: 'timeZone must be a time zone name like Europe/Berlin' })
  .max(64, { error: 'timeZone must be a time zone name like Europe/Berlin' })
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, { error: 'timeZone must be a time zone name like Europe/Berlin' });

export const quietHours = z
  .object({ start: clockTime('quietHours.start'), end: clockTime('quietHours.end') })
  .refine((hours) => hours.start !== hours.end, { error: 'quietHours: start and end must differ' });
export type QuietHours = z.infer<typeof quietHours>;

/** A person's own choices for one category: a field given as `null` follows the organisation default again. */
const categoryOverride = z.object(
  Object.fromEntries(Object.entries(categoryPreference.shape).map(([field, schema]) => [field, schema.nullable().optional()])) as {
    [Field in keyof CategoryPreference]: z.ZodOptional<z.ZodNullable<(typeof categoryPreference.shape)[Field]>>;
  },
);
export type CategoryOverride = z.infer<typeof categoryOverride>;

/** A person's changes: only the categories and fields given change. */
export const updatePreferencesInput = z.object({
  categories: z.partialRecord(NotificationCategory, categoryOverride).optional(),
  timeZone: timeZone.optional(),
  quietHours: quietHours.nullable().optional(),
  /** The supervisor's morning "waiting for your decision" email. */
  decisionsDigest: z.boolean({ error: 'decisionsDigest must be true or false' }).optional(),
});
export type UpdatePreferencesInput = z.infer<typeof updatePreferencesInput>;

/** An administrator's changes to the organisation defaults, per category. */
export const updateDefaultsInput = z.object({
  categories: z.partialRecord(NotificationCategory, categoryPreference.partial()),
});
export type UpdateDefaultsInput = z.infer<typeof updateDefaultsInput>;
