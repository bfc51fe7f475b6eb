import { Alert } from '@mantine/core';
import type { Goal } from './types';

const TITLES: Partial<Record<Goal['status'], string>> = { REJECTED: 'Rejected: reason', DECLINED: 'Declined: reason' };

/** Why a goal was rejected or declined, while it still is. */
export function GoalReason({ goal, compact = false }: { goal: Goal; compact?: boolean }) {
  const title = TITLES[goal.status];
  if (!title || !goal.lastReason) return null;
  return (
    <Alert color="red" variant="light" p={compact ? 'xs' : undefined} title={title} data-testid="goal-reason">
      {goal.lastReason}
    </Alert>
  );
}
