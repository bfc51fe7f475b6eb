import { Anchor, Badge, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { periodLabel } from '@pms/shared';
import { Link } from 'wouter';
import { errorCode } from '../api/errors';
import { trpc } from '../api/trpc';
import { Empty, Loading, LoadError } from '../ui/states';
import { GoalActions } from './goal-actions';
import { GoalHistory } from './goal-history';
import { formatDate, TYPE_LABEL } from './goal-labels';
import { GoalReason } from './goal-reason';
import { GoalStatusBadge } from './goal-status-badge';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
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

export function GoalDetailPage({ id }: { id: number }) {
  const goal = trpc.goals.byId.useQuery({ id }, { enabled: Number.isInteger(id) && id > 0 });
  if (!Number.isInteger(id) || id <= 0 || errorCode(goal.error) === 'NOT_FOUND') {
    return <Empty title="Goal not found" description="It does not exist, or it is not yours to see." action={<Anchor component={Link} href="/goals">Back to my goals</Anchor>} />;
  }
  if (goal.isPending) return <Loading label="Loading goal…" />;
  if (goal.error) return <LoadError error={goal.error} onRetry={() => void goal.refetch()} title="Could not load this goal" />;
  const g = goal.data;

  return (
    <Stack gap="lg" data-testid="goal-detail" data-goal-id={g.id} data-status={g.status}>
      <Anchor component={Link} href="/goals" size="sm">
        ← My goals
      </Anchor>
      <Paper withBorder p="lg">
        <Stack gap="md">
          <Group justify="space-between" align="flex-start">
            <Title order={2} style={{ overflowWrap: 'anywhere' }}>
              {g.title}
            </Title>
            <Group gap="xs">
              <Badge variant="outline" color="gray">
                {TYPE_LABEL[g.type]}
              </Badge>
              <GoalStatusBadge status={g.status} />
            </Group>
          </Group>
          <GoalReason goal={g} />
          {g.description && <Text style={{ whiteSpace: 'pre-wrap' }}>{g.description}</Text>}
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Fact label="Owner">{g.owner.name}</Fact>
            <Fact label="Created by">{g.creator.name}</Fact>
            <Fact label="Period">{periodLabel(g)}</Fact>
            <Fact label="Due">{g.dueDate ? formatDate(g.dueDate) : 'No due date'}</Fact>
          </SimpleGrid>
          {g.parentGoalId !== null && <ParentGoal id={g.parentGoalId} />}
          <div>
            <Group justify="space-between" mb={4}>
              <Text size="sm" fw={500}>
                Progress
              </Text>
              <Text size="sm" c="dimmed">
                {g.progress}%
              </Text>
            </Group>
            <Progress value={g.progress} size="lg" aria-label="Progress" />
          </div>
          <GoalActions goal={g} />
        </Stack>
      </Paper>
      <Paper withBorder p="lg">
        <Title order={3} size="h4" mb="md">
          History
        </Title>
        <GoalHistory entries={g.history} />
      </Paper>
    </Stack>
  );
}
