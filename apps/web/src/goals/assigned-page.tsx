import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { PageHeader } from '../ui/page-header';
import { GoalCard } from './goal-card';
import { GoalList } from './goal-list';

/** Goals a supervisor assigned, waiting for my answer. */
export function AssignedPage() {
  const goals = trpc.goals.mine.useInfiniteQuery({ limit: 20, status: 'PENDING_ACCEPTANCE' }, { getNextPageParam: nextCursor });
  return (
    <>
      <PageHeader title="Assigned to me" description="Goals your supervisor assigned: accept them, or decline with a reason" />
      <GoalList
        query={goals}
        empty={{ title: 'Nothing waiting for your answer', description: 'Goals your supervisor assigns to you appear here.' }}
        renderGoal={(goal) => <GoalCard key={goal.id} goal={goal} />}
      />
    </>
  );
}
