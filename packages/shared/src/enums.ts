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

export const NotificationType = z.enum([
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
  // Reserved for the initiatives and reviews modules.
  'INITIATIVE_ASSIGNED',
  'INITIATIVE_DUE_SOON',
  'INITIATIVE_OVERDUE',
  'REVIEW_DUE',
  'REVIEW_COMPLETED',
]);
export type NotificationType = z.infer<typeof NotificationType>;
