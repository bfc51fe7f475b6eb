import { Anchor, Badge, Breadcrumbs, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ORGANISATIONAL_GOAL_TYPES, periodLabel } from '@pms/shared';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { errorCode } from '../api/errors';
import { trpc } from '../api/trpc';
import { Empty, Loading, LoadError } from '../ui/states';
import { formatDate } from '../ui/time';
import { AlignedGoals } from './aligned-goals';
import { GoalActions } from './goal-actions';
import { GoalHistory } from './goal-history';
import { GOAL_TYPE_LABEL } from './goal-labels';
import { GoalReason } from './goal-reason';
import { GoalDeadlineBadge } from './goal-deadline-badge';
import { GoalStatusBadge } from './goal-status-badge';
import type { Goal } from './types';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

/** The organisational goal this one supports, by name. */
function ParentGoal({ id }: { id: number }) {
  const parent = trpc.goals.byId.useQuery({ id });
  return (
    <Text size="sm">
      Aligns to{' '}
      <Anchor component={Link} href={`/goals/${id}`}>
        {parent.data ? `${parent.data.title} (${periodLabel(parent.data)})` : `goal #${id}`}
      </Anchor>
    </Text>
  );
}

/** Where this goal sits for me: a report's goal under "Team › their name", any other under my goals. */
function BackLink({ goal }: { goal: Goal }) {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity });
  const { owner } = goal;
  if (me.data && owner.supervisorId === me.data.id && owner.id !== me.data.id) {
    return (
      <Breadcrumbs aria-label="Breadcrumb" component="nav">
        <Anchor component={Link} href="/team" size="sm">
          Team
        </Anchor>
        <Anchor component={Link} href={`/team/${owner.id}`} size="sm">
          {owner.name}
        </Anchor>
      </Breadcrumbs>
    );
  }
  return (
    <Anchor component={Link} href="/goals" size="sm">
      ← My goals
    </Anchor>
  );
}

export function GoalDetailPage({ id }: { id: number }) {
  const query = trpc.goals.byId.useQuery({ id }, { enabled: Number.isInteger(id) && id > 0 });
  if (!Number.isInteger(id) || id <= 0 || errorCode(query.error) === 'NOT_FOUND') {
    return <Empty title="Goal not found" description="It does not exist, or it is not yours to see." action={<Anchor component={Link} href="/goals">Back to my goals</Anchor>} />;
  }
  if (query.isPending) return <Loading label="Loading goal…" />;
  if (query.error) return <LoadError error={query.error} onRetry={() => void query.refetch()} title="Could not load this goal" />;
  const goal = query.data;

  return (
    <Stack gap="lg" data-testid="goal-detail" data-goal-id={goal.id} data-status={goal.status}>
      <BackLink goal={goal} />
      <Paper withBorder p="lg">
        <Stack gap="md">
          <Group justify="space-between" align="flex-start">
            <Title order={2} style={{ overflowWrap: 'anywhere' }}>
              {goal.title}
            </Title>
            <Group gap="xs">
              <Badge variant="outline" color="gray">
                {GOAL_TYPE_LABEL[goal.type]}
              </Badge>
              <GoalDeadlineBadge goal={goal} />
              <GoalStatusBadge status={goal.status} />
            </Group>
          </Group>
          <GoalReason goal={goal} />
          {goal.description && <Text style={{ whiteSpace: 'pre-wrap' }}>{goal.description}</Text>}
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Fact label="Owner">{goal.owner.name}</Fact>
            <Fact label="Created by">{goal.creator.name}</Fact>
            <Fact label="Period">{periodLabel(goal)}</Fact>
            <Fact label="Due">{goal.dueDate ? formatDate(goal.dueDate) : 'No due date'}</Fact>
          </SimpleGrid>
          {goal.parentGoalId !== null && <ParentGoal id={goal.parentGoalId} />}
          <div>
            <Group justify="space-between" mb={4}>
              <Text size="sm" fw={500}>
                Progress
              </Text>
              <Text size="sm" c="dimmed">
                {goal.progress}%
              </Text>
            </Group>
            <Progress value={goal.progress} size="lg" aria-label="Progress" />
          </div>
          <GoalActions goal={goal} />
        </Stack>
      </Paper>
      {ORGANISATIONAL_GOAL_TYPES.includes(goal.type) && <AlignedGoals goalId={goal.id} />}
      <Paper withBorder p="lg">
        <Title order={3} size="h4" mb="md">
          History
        </Title>
        <GoalHistory entries={goal.history} />
      </Paper>
    </Stack>
  );
}
