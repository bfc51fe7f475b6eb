import { Anchor, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { periodLabel } from '@pms/shared';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { formatDate } from '../ui/time';
import { GoalActions } from './goal-actions';
import { GoalDeadlineBadge } from './goal-deadline-badge';
import { GOAL_TYPE_LABEL } from './goal-labels';
import { GoalReason } from './goal-reason';
import { GoalStatusBadge } from './goal-status-badge';
import type { Goal } from './types';

export function GoalCard({ goal, showOwner = false, leading }: { goal: Goal; showOwner?: boolean; leading?: ReactNode }) {
  return (
    <Paper withBorder p="md" component="article" data-testid="goal-card" data-goal-id={goal.id} data-status={goal.status} data-overdue={goal.daysLeft !== null && goal.daysLeft < 0 ? '' : undefined}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        {leading}
        <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" align="flex-start" gap="xs">
            <Anchor component={Link} href={`/goals/${goal.id}`} fw={600} style={{ overflowWrap: 'anywhere' }}>
              {goal.title}
            </Anchor>
            <Group gap={6} wrap="nowrap">
              <GoalDeadlineBadge goal={goal} />
              <GoalStatusBadge status={goal.status} />
            </Group>
          </Group>
          <Text size="sm" c="dimmed">
            {GOAL_TYPE_LABEL[goal.type]} · {periodLabel(goal)}
            {goal.dueDate && ` · due ${formatDate(goal.dueDate)}`}
            {showOwner && ` · ${goal.owner.name}`}
            {goal.creator.id !== goal.owner.id && ` · assigned by ${goal.creator.name}`}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Progress value={goal.progress} style={{ flex: 1 }} aria-label={`Progress of ${goal.title}`} />
            <Text size="xs" c="dimmed" w={36} ta="right">
              {goal.progress}%
            </Text>
          </Group>
          <GoalReason goal={goal} compact />
          <GoalActions goal={goal} />
        </Stack>
      </Group>
    </Paper>
  );
}
