import type { GoalStatus, GoalType, Permission } from '@pms/shared';

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

/**
 * Organisational types need their permission; a personal goal anyone may create.
 * (Mirrors the server's rule, which is what enforces it; the SPA only hides options.)
 */
const CREATE_PERMISSION: Record<GoalType, Permission | null> = {
  YEARLY: 'goal_create_yearly',
  QUARTERLY: 'goal_create_quarterly',
  INDIVIDUAL: null,
};

const SELECTOR_ORDER: readonly GoalType[] = ['INDIVIDUAL', 'QUARTERLY', 'YEARLY'];

/** The goal types this user may create, in the order the type selector lists them. */
export function creatableGoalTypes(permissions: readonly Permission[]): GoalType[] {
  return SELECTOR_ORDER.filter((type) => {
    const needed = CREATE_PERMISSION[type];
    return needed === null || permissions.includes(needed);
  });
}
