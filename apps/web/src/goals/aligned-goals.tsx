import { Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { GoalCard } from './goal-card';
import { GoalList } from './goal-list';

const goals = (n: number) => `${n} goal${n === 1 ? '' : 's'}`;

/**
 * The goals aligned to an organisational goal, as far as I may see them, with their combined
 * progress; read again on every goal event (GoalsLive), so it follows their progress live.
 */
export function AlignedGoals({ goalId }: { goalId: number }) {
  const query = trpc.goals.aligned.useInfiniteQuery({ id: goalId, limit: 10 }, { getNextPageParam: nextCursor });
  const summary = query.data?.pages[0]?.summary;
  const combined = summary?.combinedProgress ?? null;
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="aligned-goals">
      <Title order={3} size="h4" mb="sm" id="aligned-goals">
        Aligned goals
      </Title>
      {summary && (
        <Stack gap={4} mb="md" data-testid="combined-progress" data-value={combined ?? ''}>
          <Group justify="space-between">
            <Text size="sm" fw={500}>
              Combined progress
            </Text>
            <Text size="sm" c="dimmed">
              {combined === null ? 'No goals to combine' : `${combined}%`}
            </Text>
          </Group>
          <Progress value={combined ?? 0} size="lg" color="teal" aria-label="Combined progress of aligned goals" />
          <Text size="xs" c="dimmed">
            The mean progress of the {goals(summary.counted)} aligned here that you can see and that are not cancelled; a completed goal counts as 100%.
          </Text>
          {summary.hidden > 0 && (
            <Text size="xs" c="dimmed" data-testid="hidden-aligned">
              {goals(summary.hidden)} more {summary.hidden === 1 ? 'is' : 'are'} aligned here that you cannot see; they are not counted.
            </Text>
          )}
        </Stack>
      )}
      <GoalList
        query={query}
        empty={{ title: 'No goals you can see are aligned to this one yet' }}
        renderGoal={(goal) => <GoalCard key={goal.id} goal={goal} showOwner />}
      />
    </Paper>
  );
}
