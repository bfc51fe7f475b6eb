/**
 * What a notification can carry beyond its text: actions its recipient can take from the
 * notification itself, and, once the request it carried is decided, the resolution.
 */
import { z } from 'zod';

/**
 * An action a notification offers. Each calls the goal procedure of the same name (the same
 * rules apply as anywhere else); `reject` and `decline` ask for a reason first.
 */
export const NotificationActionKind = z.enum(['approve', 'reject', 'accept', 'decline']);
export type NotificationActionKind = z.infer<typeof NotificationActionKind>;

export interface GoalRequestAction {
  kind: NotificationActionKind;
  goalId: number;
}

/** A button that opens a page: what other modules' notifications offer (notifications.publish). */
export interface LinkAction {
  kind: 'link';
  label: string;
  /** An in-app path (`/initiatives/7`) or an https URL. */
  url: string;
}

export type NotificationAction = GoalRequestAction | LinkAction;

export const isGoalAction = (action: NotificationAction): action is GoalRequestAction => action.kind !== 'link';

/** Actions that need a reason from the person taking them. */
export const ACTIONS_NEEDING_A_REASON: readonly NotificationActionKind[] = ['reject', 'decline'];

/** How a request was decided, shown in place of its actions ("Approved by you", "Rejected by Ada: reason"). */
export const ResolutionOutcome = z.enum(['APPROVED', 'REJECTED', 'ACCEPTED', 'DECLINED', 'CANCELLED']);
export type ResolutionOutcome = z.infer<typeof ResolutionOutcome>;

export interface Resolution {
  outcome: ResolutionOutcome;
  byId: number;
  byName: string;
  reason: string | null;
}

/** Which notifications a list shows: the inbox (neither archived nor snoozed), or one of the others. */
export const NotificationView = z.enum(['inbox', 'archived', 'snoozed', 'all'], {
  error: 'view must be one of inbox, archived, snoozed, all',
});
export type NotificationViewName = z.infer<typeof NotificationView>;
