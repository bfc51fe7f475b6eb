/**
 * What applies to a person: their own choice per category and field where they made one, the
 * organisation default otherwise. Read in one statement for many people, so publishing and
 * sending ask once per batch.
 */
import { sql, type Kysely } from 'kysely';
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

/** What applies to one person for one notification type: the type's registered category, and their preference in it. */
export interface TypePreference {
  category: NotificationCategory;
  preference: CategoryPreference;
}

/**
 * What applies to each of these people for each of these types, in one statement (the registry's
 * category and the person's preference in it: publish() reads this for every notification it
 * stores). Absent for a type that is not registered.
 */
export async function typePreferencesOf(
  db: Kysely<Database>,
  userIds: readonly number[],
  types: readonly string[],
): Promise<(userId: number, type: string) => TypePreference | undefined> {
  const found = new Map<number, Map<string, TypePreference>>();
  if (userIds.length > 0 && types.length > 0) {
    const { rows } = await sql<{ userId: number; type: string; category: NotificationCategory } & CategoryPreference>`
      select person.id as "userId", t.type, t.category,
        coalesce(own.in_app, d.in_app) as "inApp",
        coalesce(own.email, d.email) as "email",
        coalesce(own.desktop, d.desktop) as "desktop",
        coalesce(own.email_timing, d.email_timing) as "emailTiming",
        coalesce(own.unread_delay_minutes, d.unread_delay_minutes) as "unreadDelayMinutes"
      from unnest(${[...new Set(userIds)]}::integer[]) as person(id)
      cross join notification_types t
      join preference_defaults d on d.category = t.category
      left join user_preferences own on own.user_id = person.id and own.category = t.category
      where t.type = any(${[...new Set(types)]}::text[])`.execute(db);
    for (const { userId, type, category, ...preference } of rows) {
      const ofUser = found.get(userId) ?? new Map<string, TypePreference>();
      ofUser.set(type, { category, preference });
      found.set(userId, ofUser);
    }
  }
  return (userId, type) => found.get(userId)?.get(type);
}

/** Whether a notification of this type reaches the app: critical ones always do. */
export function showsInApp(type: NotificationType, { preference }: TypePreference): boolean {
  return CRITICAL_TYPES.includes(type) || preference.inApp;
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
