import { z } from 'zod';
import { id, NotificationPriority, NotificationType } from '@pms/shared';

export const listInput = z
  .object({
    /** The `nextCursor` of the previous page. */
    cursor: id('cursor').optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int({ error: 'limit must be a whole number' })
      .min(1, { error: 'limit must be between 1 and 100' })
      .max(100, { error: 'limit must be between 1 and 100' })
      .default(20),
    type: NotificationType.optional(),
    priority: NotificationPriority.optional(),
    unreadOnly: z.boolean({ error: 'unreadOnly must be true or false' }).optional(),
  })
  .default({ limit: 20 });

export type ListInput = z.output<typeof listInput>;

export const notificationIdInput = z.object({ id: id() });
