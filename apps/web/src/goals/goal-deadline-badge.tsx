import { Badge } from '@mantine/core';
import { trpc } from '../api/trpc';
import type { Goal } from './types';

/**
 * "Overdue" in red, or "Due in N days" within the due-soon window the reminders use. The day
 * count comes from the server (the owner's today, as the reminders count it); only goals that
 * are reminded have one.
 */
export function GoalDeadlineBadge({ goal }: { goal: Pick<Goal, 'daysLeft'> }) {
  const dueSoonDays = trpc.auth.me.useQuery(undefined, { staleTime: Infinity }).data?.goalDueSoonDays;
  const { daysLeft } = goal;
  if (daysLeft === null) return null;
  if (daysLeft < 0) {
    return (
      <Badge color="red" variant="filled" data-testid="goal-deadline" data-deadline="overdue">
        Overdue
      </Badge>
    );
  }
  if (dueSoonDays === undefined || daysLeft > dueSoonDays) return null;
  return (
    <Badge color="orange" variant="light" data-testid="goal-deadline" data-deadline="dueSoon">
      {daysLeft === 0 ? 'Due today' : daysLeft === 1 ? 'Due tomorrow' : `Due in ${daysLeft} days`}
    </Badge>
  );
}
