import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import type { SignedInUser } from '../auth/user';
import { PageHeader } from '../ui/page-header';
import { CreateGoalDialog } from './create-goal-dialog';
import { GoalCard } from './goal-card';
import { GoalFilters, isFiltered, type GoalFilter } from './goal-filters';
import { creatableGoalTypes } from './goal-labels';
import { GoalList } from './goal-list';

export function MyGoalsPage({ user }: { user: SignedInUser }) {
  const [filter, setFilter] = useState<GoalFilter>({});
  const [creating, create] = useDisclosure(false);
  const goals = trpc.goals.mine.useInfiniteQuery({ limit: 20, ...filter }, { getNextPageParam: nextCursor });
  const filtered = isFiltered(filter);

  return (
    <>
      <PageHeader
        title="My goals"
        description="Everything you own: your own goals and those assigned to you"
        action={<Button onClick={create.open}>New goal</Button>}
      />
      {/* One owns organisational goals only by creating them, so offer the types one may create. */}
      <GoalFilters value={filter} onChange={setFilter} types={creatableGoalTypes(user.permissions)} />
      <GoalList
        query={goals}
        empty={
          filtered
            ? { title: 'No goals match these filters' }
            : { title: 'No goals yet', description: 'Create a personal goal; your supervisor approves it.' }
        }
        renderGoal={(goal) => <GoalCard key={goal.id} goal={goal} />}
      />
      <CreateGoalDialog user={user} opened={creating} onClose={create.close} />
    </>
  );
}
