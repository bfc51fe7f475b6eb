/**
 * What applies to a person: their own choice per category and field where they made one, the
 * organisation default otherwise. Read in one statement for many people, so publishing and
 * sending ask once per batch.
 */
import { sql, type ExpressionBuilder, type Kysely, type Nullable } from 'kysely';
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

/** A person's preference in a category: their own choice (`own`) per field, else the default (`d`). */
function ownOverDefault(eb: ExpressionBuilder<{ d: Database['preference_defaults']; own: Nullable<Database['user_preferences']> }, 'd' | 'own'>) {
  return [
    eb.fn.coalesce('own.in_app', 'd.in_app').as('inApp'),
    eb.fn.coalesce('own.email', 'd.email').as('email'),
    eb.fn.coalesce('own.desktop', 'd.desktop').as('desktop'),
    eb.fn.coalesce('own.email_timing', 'd.email_timing').as('emailTiming'),
    eb.fn.coalesce('own.unread_delay_minutes', 'd.unread_delay_minutes').as('unreadDelayMinutes'),
  ] as const;
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
    .select((eb) => ['person.id as userId', 'd.category', ...ownOverDefault(eb)])
    .execute();
  for (const { userId, category, ...preference } of rows) {
    const preferences = result.get(userId) ?? ({} as Preferences);
    preferences[category] = preference;
    result.set(userId, preferences);
  }
  return result;
}

/**
 * Each of these people's preference for each of these types, in one statement: the one of the
 * category the registry puts the type in (publish() reads this for every notification it stores).
 * Absent for a type that is not registered.
 */
export async function typePreferencesOf(
  db: Kysely<Database>,
  userIds: readonly number[],
  types: readonly string[],
): Promise<(userId: number, type: string) => CategoryPreference | undefined> {
  const found = new Map<number, Map<string, CategoryPreference>>();
  if (userIds.length > 0 && types.length > 0) {
    const rows = await db
      .selectFrom(sql<{ id: number }>`(select unnest(${[...new Set(userIds)]}::integer[]) as id)`.as('person'))
      .innerJoin('notification_types as t', (join) => join.on('t.type', '=', sql<string>`any(${[...new Set(types)]}::text[])`))
      .innerJoin('preference_defaults as d', 'd.category', 't.category')
      .leftJoin('user_preferences as own', (join) => join.onRef('own.user_id', '=', 'person.id').onRef('own.category', '=', 't.category'))
      .select((eb) => ['person.id as userId', 't.type', ...ownOverDefault(eb)])
      .execute();
    for (const { userId, type, ...preference } of rows) {
      const ofUser = found.get(userId) ?? new Map<string, CategoryPreference>();
      ofUser.set(type, preference);
      found.set(userId, ofUser);
    }
  }
  return (userId, type) => found.get(userId)?.get(type);
}

/** Whether a notification of this type reaches the app: critical ones always do. */
export function showsInApp(type: NotificationType, preference: CategoryPreference): boolean {
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
