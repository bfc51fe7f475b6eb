import type { NotificationActionKind, NotificationPriority, Resolution, ResolutionOutcome } from '@pms/shared';

// Type labels come from the server's registry: notification-types.ts.

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
