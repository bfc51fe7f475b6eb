import type { CategoryPreference, EmailTiming, NotificationCategory } from '@pms/shared';

export const CATEGORIES: Array<{ value: NotificationCategory; label: string; description: string }> = [
  { value: 'goals', label: 'Goals', description: 'Goals submitted, assigned, approved, rejected, progress, due soon and overdue' },
  { value: 'initiatives', label: 'Initiatives', description: 'Initiatives assigned to you, due soon and overdue' },
  { value: 'reviews', label: 'Reviews', description: 'Reviews due and completed' },
  { value: 'system', label: 'System', description: 'Everything else the app tells you' },
];

export const TIMING_OPTIONS: Array<{ value: EmailTiming; label: string }> = [
  { value: 'immediately', label: 'Immediately' },
  { value: 'unreadAfter', label: 'If unread after a delay' },
  { value: 'hourly', label: 'Hourly digest' },
  { value: 'daily', label: 'Daily digest' },
  { value: 'never', label: 'Never' },
];

export const PREFERENCE_FIELDS = ['inApp', 'email', 'desktop', 'emailTiming', 'unreadDelayMinutes'] as const satisfies ReadonlyArray<
  keyof CategoryPreference
>;

export type CategoryValues = Record<NotificationCategory, CategoryPreference>;

/** zod's issues as @mantine/form errors, keyed by the same dotted paths the server's fieldErrors use. */
export function formErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  return Object.fromEntries(issues.map((issue) => [issue.path.map(String).join('.'), issue.message]));
}
