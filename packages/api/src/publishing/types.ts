/**
 * The registry of notification types (table notification_types): each type's category decides
 * which preferences apply to it, its label is what people read. Built-in types come with the
 * migration; modules register theirs. A registered type never changes or goes away (notifications
 * keep it), so registering one again with the same category is a no-op and otherwise a conflict.
 */
import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { Database } from '@pms/db';
import type { NotificationCategory, NotificationType, RegisterTypeInput } from '@pms/shared';

export interface NotificationTypeView {
  type: NotificationType;
  category: NotificationCategory;
  label: string;
  description: string | null;
  builtIn: boolean;
  createdAt: Date;
}

const columns = ['type', 'category', 'label', 'description', 'built_in', 'created_at'] as const;

const toView = (row: { type: string; category: NotificationCategory; label: string; description: string | null; built_in: boolean; created_at: Date }) => ({
  type: row.type,
  category: row.category,
  label: row.label,
  description: row.description,
  builtIn: row.built_in,
  createdAt: row.created_at,
});

/** Every registered type, built-in ones first, each group by name. */
export async function listTypes(db: Kysely<Database>): Promise<NotificationTypeView[]> {
  const rows = await db.selectFrom('notification_types').select(columns).orderBy('built_in', 'desc').orderBy('type').execute();
  return rows.map(toView);
}

/** The category of each type; a type missing from the answer is not registered. */
export async function categoriesOf(db: Kysely<Database>, types: readonly NotificationType[]): Promise<Map<NotificationType, NotificationCategory>> {
  if (types.length === 0) return new Map();
  const rows = await db.selectFrom('notification_types').select(['type', 'category']).where('type', 'in', [...new Set(types)]).execute();
  return new Map(rows.map((row) => [row.type, row.category]));
}

export function unregistered(type: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message: `type ${type} is not a registered notification type (see notificationTypes.list)` });
}

/** A type that exists, or a 400 naming it. */
export async function registeredCategory(db: Kysely<Database>, type: NotificationType): Promise<NotificationCategory> {
  const category = (await categoriesOf(db, [type])).get(type);
  if (!category) throw unregistered(type);
  return category;
}

/**
 * Registers a type. Two administrators (or instances) registering the same name at once: the
 * primary key lets one insert win; the other then reads the winner's row and compares.
 */
export async function registerType(db: Kysely<Database>, input: RegisterTypeInput): Promise<NotificationTypeView> {
  const inserted = await db
    .insertInto('notification_types')
    .values({ type: input.type, category: input.category, label: input.label, description: input.description ?? null })
    .onConflict((oc) => oc.column('type').doNothing())
    .returning(columns)
    .executeTakeFirst();
  if (inserted) return toView(inserted);
  const existing = await db.selectFrom('notification_types').select(columns).where('type', '=', input.type).executeTakeFirstOrThrow();
  if (existing.category !== input.category) {
    throw new TRPCError({
      code: 'CONFLICT',
      message: `type ${input.type} is already registered in the category ${existing.category}; a type's category never changes`,
    });
  }
  return toView(existing);
}
