import { z } from 'zod';

/** Permissions a user may hold; the server enforces them, the SPA only hides options. */
export const Permission = z.enum(['goal_create_yearly', 'goal_create_quarterly', 'admin']);
export type Permission = z.infer<typeof Permission>;

export const GoalType = z.enum(['YEARLY', 'QUARTERLY', 'INDIVIDUAL']);
export type GoalType = z.infer<typeof GoalType>;

export const GoalStatus = z.enum([
  'PENDING_APPROVAL',
  'PENDING_ACCEPTANCE',
  'ACTIVE',
  'REJECTED',
  'DECLINED',
  'COMPLETED',
  'CANCELLED',
]);
export type GoalStatus = z.infer<typeof GoalStatus>;

export const NotificationPriority = z.enum(['LOW', 'NORMAL', 'HIGH', 'URGENT']);
export type NotificationPriority = z.infer<typeof NotificationPriority>;

/**
 * The types this service itself defines, seeded in the registry (migration 2026_12_06_0004): the
 * goal workflow sends the GOAL_ ones; the INITIATIVE_ and REVIEW_ ones are there for those modules
 * to publish (notifications.publish). Other modules register more (notificationTypes.register).
 */
export const BuiltInNotificationType = z.enum([
  'GOAL_SUBMITTED',
  'GOAL_APPROVED',
  'GOAL_REJECTED',
  'GOAL_ASSIGNED',
  'GOAL_ACCEPTED',
  'GOAL_DECLINED',
  'GOAL_PROGRESS_UPDATED',
  'GOAL_COMPLETED',
  'GOAL_CANCELLED',
  'GOAL_DUE_SOON',
  'GOAL_OVERDUE',
  'INITIATIVE_ASSIGNED',
  'INITIATIVE_DUE_SOON',
  'INITIATIVE_OVERDUE',
  'REVIEW_DUE',
  'REVIEW_COMPLETED',
]);
export type BuiltInNotificationType = z.infer<typeof BuiltInNotificationType>;

const TYPE_NAME = /^[A-Z][A-Z0-9_]{2,63}$/;

/**
 * A notification type's name: upper case, digits and underscores, 3 to 64 characters
 * (`INITIATIVE_ASSIGNED`). Whether it is registered is the server's question (notifications/types.ts).
 */
export const NotificationType = z
  .string({ error: 'type must be a notification type name like INITIATIVE_ASSIGNED' })
  .regex(TYPE_NAME, { error: 'type must be 3 to 64 characters of A-Z, 0-9 and _, starting with a letter (like INITIATIVE_ASSIGNED)' });
export type NotificationType = string;
