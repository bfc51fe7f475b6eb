/** What the publishing procedures answer (the REST API's documented responses, see notifications/outputs.ts). */
import { NotificationCategory } from '@pms/shared';
import { z } from 'zod';

export const notificationTypeOutput = z.object({
  type: z.string(),
  category: NotificationCategory,
  label: z.string(),
  description: z.string().nullable(),
  builtIn: z.boolean().describe('Defined by this service; others were registered by a module'),
  createdAt: z.date(),
});

export const publicationOutput = z.object({
  id: z.number().int(),
  type: z.string(),
  sendAt: z.date().nullable().describe('When it is delivered; null: it was delivered at once'),
  deliveredAt: z.date().nullable(),
  recipients: z.array(
    z.object({
      userId: z.number().int(),
      email: z.string(),
      notificationId: z.number().int().nullable().describe('Null until delivered'),
    }),
  ),
});

export const publicationStateOutput = z.object({
  id: z.number().int(),
  type: z.string(),
  apiKeyId: z.number().int().nullable().describe('The key that published it (null: an administrator)'),
  publishedBy: z.number().int().nullable().describe('The administrator who published it'),
  createdAt: z.date(),
  sendAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  recipients: z.array(
    z.object({
      userId: z.number().int(),
      email: z.string().nullable(),
      notificationId: z.number().int().nullable(),
      state: z
        .enum(['scheduled', 'unread', 'read', 'archived', 'removed'])
        .describe('removed: deleted by its recipient, expired, or skipped (deactivated before a scheduled delivery)'),
      readAt: z.date().nullable(),
      archivedAt: z.date().nullable(),
    }),
  ),
});
