import { Badge } from '@mantine/core';
import type { GoalStatus } from '@pms/shared';
import { STATUS_LOOK } from './goal-labels';

export function GoalStatusBadge({ status }: { status: GoalStatus }) {
  const { label, color } = STATUS_LOOK[status];
  return (
    <Badge color={color} variant="light" data-testid="goal-status" data-status={status}>
      {label}
    </Badge>
  );
}
