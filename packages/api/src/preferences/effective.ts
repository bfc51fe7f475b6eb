/**
 * What applies to a person: their own choice per category and field where they made one, the
 * organisation default otherwise. Read in one statement for many people, so publishing and
 * sending ask once per batch.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@pms/db';
import {
  CRITICAL_TYPES,
  NotificationCategory,
  type CategoryPreference,
  type NotificationType,
  type QuietHours,
} from '@pms/shared';

export type Preferences = Record<NotificationCategory, CategoryPreference>;

export interface DeliverySettings {
  timeZone: string;
  quietHours: QuietHours | null;
  decisionsDigest: boolean;
}

/** Each person's preferences in every category (people without any choice get the defaults). */
export async function preferencesOf(db: Kysely<Database>, userIds: readonly number[]): Promise<Map<number, Preferences>> {
  const result = new Map<number, Preferences>();
  if (userIds.length === 0) return result;
  const rows = await db
    .selectFrom('users as person')
    .where('person.id', 'in', [...new Set(userIds)])
    .crossJoin('preference_defaults as d')
    .leftJoin('user_preferences as own', (join) => join.onRef('own.user_id', '=', 'person.id').onRef('own.category', '=', 'd.category'))
    .select((eb) => [
      'person.id as userId',
      'd.category',
      eb.fn.coalesce('own.in_app', 'd.in_app').as('inApp'),
      eb.fn.coalesce('own.email', 'd.email').as('email'),
      eb.fn.coalesce('own.desktop', 'd.desktop').as('desktop'),
      eb.fn.coalesce('own.email_timing', 'd.email_timing').as('emailTiming'),
      eb.fn.coalesce('own.unread_delay_minutes', 'd.unread_delay_minutes').as('unreadDelayMinutes'),
    ])
    .execute();
  for (const { userId, category, ...preference } of rows) {
    const preferences = result.get(userId) ?? ({} as Preferences);
    preferences[category] = preference;
    result.set(userId, preferences);
  }
  return result;
}

/** Whether a notification of this type (in its registered category) reaches the app: critical ones always do. */
export function showsInApp(preferences: Preferences, type: NotificationType, category: NotificationCategory): boolean {
  return CRITICAL_TYPES.includes(type) || preferences[category].inApp;
}

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Time zone, quiet hours and digest choice per person (defaults for people who never set them). */
export async function deliverySettingsOf(db: Kysely<Database>, userIds: readonly number[]): Promise<Map<number, DeliverySettings>> {
  const rows = userIds.length
    ? await db.selectFrom('user_settings').selectAll().where('user_id', 'in', [...new Set(userIds)]).execute()
    : [];
  const byUser = new Map(rows.map((row) => [row.user_id, row]));
  return new Map(
    userIds.map((userId) => {
      const row = byUser.get(userId);
      return [
        userId,
        {
          timeZone: row?.time_zone ?? 'UTC',
          quietHours:
            row && row.quiet_start_minute !== null && row.quiet_end_minute !== null
              ? { start: clock(row.quiet_start_minute), end: clock(row.quiet_end_minute) }
              : null,
          decisionsDigest: row?.decisions_digest ?? true,
        },
      ];
    }),
  );
}
