import { z } from 'zod';
import { NotificationPriority, NotificationType, wholeNumber } from '@pms/shared';

/** Notification ids are `bigint` in the database; as JS numbers they stay exact up to 2^53 - 1. */
const notificationId = (field: string) =>
  wholeNumber(field, 1, Number.MAX_SAFE_INTEGER, { below: `${field} must be positive` });

export const listInput = z
  .object({
    /** The `nextCursor` of the previous page. */
    cursor: notificationId('cursor').optional(),
    limit: wholeNumber('limit', 1, 100).default(20),
    type: NotificationType.optional(),
    priority: NotificationPriority.optional(),
    unreadOnly: z.boolean({ error: 'unreadOnly must be true or false' }).optional(),
  })
  .default({ limit: 20 });

export type ListInput = z.output<typeof listInput>;

export const notificationIdInput = z.object({ id: notificationId('id') });

/** How far ahead a notification may be snoozed. */
export const MAX_SNOOZE_DAYS = 366;

export const snoozeInput = z.object({
  id: notificationId('id'),
  // Checked against the clock at each call, not when the schema was built.
  until: z
    .date({ error: 'until must be a date' })
    .refine((until) => until.getTime() > Date.now(), { error: 'until must be in the future' })
    .refine((until) => until.getTime() <= Date.now() + MAX_SNOOZE_DAYS * 86_400_000, {
      error: `until must be at most ${MAX_SNOOZE_DAYS} days ahead`,
    }),
});
