import { Button, Center, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Empty, Loading, LoadError } from '../ui/states';
import type { Goal } from './types';

/** What the list needs of a keyset-paginated goals query (`useInfiniteQuery`). */
export interface GoalPagesQuery {
  data?: { pages: Array<{ items: Goal[] }> };
  isPending: boolean;
  error: unknown;
  refetch(): unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): unknown;
}

interface GoalListProps {
  query: GoalPagesQuery;
  empty: { title: string; description?: string };
  renderGoal(goal: Goal): ReactNode;
}

export function GoalList({ query, empty, renderGoal }: GoalListProps) {
  if (query.isPending) return <Loading label="Loading goals…" />;
  if (query.error) return <LoadError error={query.error} onRetry={() => void query.refetch()} title="Could not load goals" />;
  const goals = query.data?.pages.flatMap((page) => page.items) ?? [];
  if (goals.length === 0) return <Empty title={empty.title} description={empty.description} />;
  return (
    <Stack gap="sm" data-testid="goal-list">
      {goals.map(renderGoal)}
      {query.hasNextPage && (
        <Center>
          <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            Load more
          </Button>
        </Center>
      )}
    </Stack>
  );
}
