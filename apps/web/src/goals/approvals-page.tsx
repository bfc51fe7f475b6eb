import { Button, Checkbox, Group, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { PageHeader } from '../ui/page-header';
import { InlineError } from '../ui/states';
import { GoalCard } from './goal-card';
import { GoalList } from './goal-list';
import { ReasonDialog } from './reason-dialog';
import { useRefreshGoals } from './use-refresh-goals';

/** Everything awaiting my decision; updated live by GoalsLive as supervisees submit. */
export function ApprovalsPage() {
  const utils = trpc.useUtils();
  const refresh = useRefreshGoals();
  const pending = trpc.goals.pendingApproval.useInfiniteQuery({ limit: 50 }, { getNextPageParam: nextCursor });
  const goals = pending.data?.pages.flatMap((page) => page.items) ?? [];
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [failures, setFailures] = useState<ReadonlyMap<number, string>>(new Map());
  // Goals decided elsewhere leave the list, and the selection with them.
  const selected = goals.filter((goal) => picked.has(goal.id) && goal.allowedActions.includes('approve')).map((goal) => goal.id);

  const approveSelected = useMutation({
    // One decision per goal: each succeeds or fails on its own, and says why.
    mutationFn: (ids: number[]) => Promise.allSettled(ids.map((id) => utils.client.goals.approve.mutate({ id }))),
    onSuccess: (results, ids) => {
      const failed = new Map<number, string>();
      results.forEach((result, index) => {
        if (result.status === 'rejected') failed.set(ids[index]!, errorMessage(result.reason));
      });
      setFailures(failed);
      setPicked(new Set(failed.keys()));
      const approved = ids.length - failed.size;
      notifications.show({
        color: failed.size ? 'yellow' : 'teal',
        title: `${approved} goal${approved === 1 ? '' : 's'} approved`,
        message: failed.size ? `${failed.size} could not be approved: see the goals marked below` : 'Their owners have been told.',
      });
    },
    onSettled: refresh,
  });

  // One reason for all: the server rejects every one of them or none, and names each it refused.
  const [askingReason, setAskingReason] = useState(false);
  const rejectSelected = trpc.goals.rejectMany.useMutation({
    onSuccess: (rejected) => {
      setAskingReason(false);
      setPicked(new Set());
      setFailures(new Map());
      notifications.show({
        color: 'teal',
        title: `${rejected.length} goal${rejected.length === 1 ? '' : 's'} rejected`,
        message: 'Their owners have been told why.',
      });
    },
    onSettled: refresh,
  });

  const toggle = (id: number, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  };
  const allSelected = goals.length > 0 && selected.length === goals.length;

  return (
    <>
      <PageHeader title="Pending approvals" description="Personal goals awaiting your decision. New submissions appear here as they arrive." />
      {goals.length > 0 && (
        <Group mb="md" justify="space-between">
          <Checkbox
            label="Select all"
            checked={allSelected}
            indeterminate={selected.length > 0 && !allSelected}
            onChange={(event) => setPicked(new Set(event.currentTarget.checked ? goals.map((goal) => goal.id) : []))}
          />
          <Group gap="xs">
            <Button color="red" variant="light" disabled={selected.length === 0} onClick={() => setAskingReason(true)}>
              Reject selected ({selected.length})
            </Button>
            <Button
              color="teal"
              disabled={selected.length === 0}
              loading={approveSelected.isPending}
              onClick={() => approveSelected.mutate(selected)}
            >
              Approve selected ({selected.length})
            </Button>
          </Group>
        </Group>
      )}
      <ReasonDialog
        opened={askingReason}
        onClose={() => {
          setAskingReason(false);
          rejectSelected.reset();
        }}
        title={`Reject ${selected.length} goal${selected.length === 1 ? '' : 's'}`}
        description="One reason for all of them; each owner is told. If one of them can no longer be rejected, none is."
        confirmLabel="Reject"
        required
        pending={rejectSelected.isPending}
        error={rejectSelected.error}
        onConfirm={(reason) => rejectSelected.mutate({ ids: selected, reason })}
      />
      <GoalList
        query={pending}
        empty={{ title: 'Nothing awaiting your approval', description: 'When your team submits a goal, it appears here at once.' }}
        renderGoal={(goal) => (
          <Stack key={goal.id} gap={4}>
            <GoalCard
              goal={goal}
              showOwner
              leading={
                <Checkbox
                  mt={4}
                  aria-label={`Select "${goal.title}"`}
                  checked={picked.has(goal.id)}
                  onChange={(event) => toggle(goal.id, event.currentTarget.checked)}
                />
              }
            />
            <InlineError error={failures.get(goal.id)} />
          </Stack>
        )}
      />
    </>
  );
}
