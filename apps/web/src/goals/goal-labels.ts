import { CREATE_GOAL_PERMISSION, type GoalStatus, type GoalType, type Permission } from '@pms/shared';

export const STATUS_LOOK: Record<GoalStatus, { label: string; color: string }> = {
  PENDING_APPROVAL: { label: 'Awaiting approval', color: 'yellow' },
  PENDING_ACCEPTANCE: { label: 'Awaiting acceptance', color: 'orange' },
  ACTIVE: { label: 'Active', color: 'blue' },
  REJECTED: { label: 'Rejected', color: 'red' },
  DECLINED: { label: 'Declined', color: 'grape' },
  COMPLETED: { label: 'Completed', color: 'teal' },
  CANCELLED: { label: 'Cancelled', color: 'gray' },
};

export const GOAL_TYPE_LABEL: Record<GoalType, string> = {
  YEARLY: 'Yearly (organisational)',
  QUARTERLY: 'Quarterly (organisational)',
  INDIVIDUAL: 'Personal',
};

const SELECTOR_ORDER: readonly GoalType[] = ['INDIVIDUAL', 'QUARTERLY', 'YEARLY'];

/**
 * The goal types this user may create, in the order the type selector lists them. The server
 * enforces the same table; the SPA only hides what would be refused.
 */
export function creatableGoalTypes(permissions: readonly Permission[]): GoalType[] {
  return SELECTOR_ORDER.filter((type) => {
    const needed = CREATE_GOAL_PERMISSION[type];
    return needed === null || permissions.includes(needed);
  });
}
