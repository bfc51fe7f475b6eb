/**
 * Notification preferences: each person's own (per category and channel, email timing, time
 * zone, quiet hours), and the organisation defaults an administrator sets. Every change is one
 * transaction; a field set to null follows the default again.
 */
import { sql } from 'kysely';
import {
  CRITICAL_TYPES,
  minuteOfDay,
  NotificationCategory,
  updateDefaultsInput,
  updatePreferencesInput,
  type CategoryOverride,
  type CategoryPreference,
} from '@pms/shared';
import type { DB } from '@pms/db';
import { adminProcedure, authedProcedure } from '../trpc.js';
import { deliverySettingsOf, preferencesOf } from './effective.js';

const COLUMNS = {
  inApp: 'in_app',
  email: 'email',
  desktop: 'desktop',
  emailTiming: 'email_timing',
  unreadDelayMinutes: 'unread_delay_minutes',
} as const satisfies Record<keyof CategoryPreference, string>;

/** `{ emailTiming: 'daily' }` → `{ email_timing: 'daily' }`, keeping only the fields given. */
function toColumns(fields: Partial<CategoryPreference> | CategoryOverride) {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [COLUMNS[field as keyof CategoryPreference], value]),
  );
}

async function organisationDefaults(db: DB) {
  const rows = await db.selectFrom('preference_defaults').selectAll().orderBy('category').execute();
  return Object.fromEntries(
    rows.map((row) => [
      row.category,
      {
        inApp: row.in_app,
        email: row.email,
        desktop: row.desktop,
        emailTiming: row.email_timing,
        unreadDelayMinutes: row.unread_delay_minutes,
      } satisfies CategoryPreference,
    ]),
  ) as Record<NotificationCategory, CategoryPreference>;
}

async function preferencesView(db: DB, userId: number) {
  const [effective, settings, defaults, own, saved] = await Promise.all([
    preferencesOf(db, [userId]),
    deliverySettingsOf(db, [userId]),
    organisationDefaults(db),
    db.selectFrom('user_preferences').selectAll().where('user_id', '=', userId).execute(),
    db.selectFrom('user_settings').select('user_id').where('user_id', '=', userId).executeTakeFirst(),
  ]);
  const ownByCategory = new Map(own.map((row) => [row.category, row]));
  return {
    ...settings.get(userId)!,
    /**
     * False until the person saved a time zone, quiet hours or the digest choice: the time zone is
     * then the default (UTC), and the app suggests the browser's instead.
     */
    settingsSaved: saved !== undefined,
    /** Types that always reach the app, whatever the in-app choice of their category. */
    criticalTypes: [...CRITICAL_TYPES],
    categories: NotificationCategory.options.map((category) => {
      const row = ownByCategory.get(category);
      return {
        category,
        /** What applies now. */
        effective: effective.get(userId)![category],
        defaults: defaults[category],
        /** The fields the person chose themselves (the rest follow the defaults). */
        own: Object.fromEntries(
          Object.entries(COLUMNS)
            .filter(([, column]) => row && row[column] !== null)
            .map(([field, column]) => [field, row![column]]),
        ) as Partial<CategoryPreference>,
      };
    }),
  };
}

export const preferencesRouter = {
  mine: authedProcedure.query(({ ctx }) => preferencesView(ctx.deps.db, ctx.session.user.id)),

  update: authedProcedure.input(updatePreferencesInput).mutation(async ({ ctx, input }) => {
    const me = ctx.session.user.id;
    await ctx.deps.db.transaction().execute(async (trx) => {
      for (const [category, fields] of Object.entries(input.categories ?? {})) {
        const columns = toColumns(fields);
        if (Object.keys(columns).length === 0) continue;
        await trx
          .insertInto('user_preferences')
          .values({ user_id: me, category: category as NotificationCategory, ...columns })
          .onConflict((oc) => oc.columns(['user_id', 'category']).doUpdateSet({ ...columns, updated_at: sql`now()` }))
          .execute();
      }
      const { timeZone, quietHours, decisionsDigest } = input;
      if (timeZone !== undefined || quietHours !== undefined || decisionsDigest !== undefined) {
        const settings = {
          time_zone: timeZone,
          quiet_start_minute: quietHours === undefined ? undefined : quietHours && minuteOfDay(quietHours.start),
          quiet_end_minute: quietHours === undefined ? undefined : quietHours && minuteOfDay(quietHours.end),
          decisions_digest: decisionsDigest,
        };
        const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
        await trx
          .insertInto('user_settings')
          .values({ user_id: me, ...given })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...given, updated_at: sql`now()` }))
          .execute();
      }
    });
    return preferencesView(ctx.deps.db, me);
  }),

  /** The organisation defaults: what applies to everyone who made no choice of their own. */
  defaults: adminProcedure.query(({ ctx }) => organisationDefaults(ctx.deps.db)),

  updateDefaults: adminProcedure.input(updateDefaultsInput).mutation(async ({ ctx, input }) => {
    await ctx.deps.db.transaction().execute(async (trx) => {
      for (const [category, fields] of Object.entries(input.categories)) {
        const columns = toColumns(fields);
        if (Object.keys(columns).length === 0) continue;
        await trx
          .updateTable('preference_defaults')
          .set({ ...columns, updated_at: sql`now()` })
          .where('category', '=', category as NotificationCategory)
          .execute();
      }
    });
    return organisationDefaults(ctx.deps.db);
  }),
};
