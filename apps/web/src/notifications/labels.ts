import type { NotificationActionKind, NotificationPriority, NotificationType, Resolution, ResolutionOutcome } from '@pms/shared';

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
  GOAL_DUE_SOON: 'Goal due soon',
  GOAL_OVERDUE: 'Goal overdue',
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

export const OUTCOME_LABEL: Record<ResolutionOutcome, string> = {
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
};

/** How a decided request reads in place of its actions: "Approved by you", "Rejected by Ada: reason". */
export function resolutionText(resolution: Resolution, myId: number | undefined): string {
  const by = resolution.byId === myId ? 'you' : resolution.byName;
  return `${OUTCOME_LABEL[resolution.outcome]} by ${by}${resolution.reason ? `: ${resolution.reason}` : ''}`;
}

export const ACTION_LABEL: Record<NotificationActionKind, string> = {
  approve: 'Approve',
  reject: 'Reject',
  accept: 'Accept',
  decline: 'Decline',
};
