import type { NotificationPriority, NotificationType } from '@pms/shared';

export const NOTIFICATION_TYPE_LABEL: Record<NotificationType, string> = {
  GOAL_SUBMITTED: 'Goal submitted',
  GOAL_APPROVED: 'Goal approved',
  GOAL_REJECTED: 'Goal rejected',
  GOAL_ASSIGNED: 'Goal assigned',
  GOAL_ACCEPTED: 'Goal accepted',
  GOAL_DECLINED: 'Goal declined',
  GOAL_PROGRESS_UPDATED: 'Progress updated',
  GOAL_COMPLETED: 'Goal completed',
  GOAL_CANCELLED: 'Goal cancelled',
  INITIATIVE_ASSIGNED: 'Initiative assigned',
  INITIATIVE_DUE_SOON: 'Initiative due soon',
  INITIATIVE_OVERDUE: 'Initiative overdue',
  REVIEW_DUE: 'Review due',
  REVIEW_COMPLETED: 'Review completed',
};

export const PRIORITY_LOOK: Record<NotificationPriority, { label: string; color: string }> = {
  LOW: { label: 'Low', color: 'gray' },
  NORMAL: { label: 'Normal', color: 'blue' },
  HIGH: { label: 'High', color: 'orange' },
  URGENT: { label: 'Urgent', color: 'red' },
};
