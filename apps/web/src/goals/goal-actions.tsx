import { Button, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { EditGoalDialog } from './edit-goal-dialog';
import { ProgressDialog } from './progress-dialog';
import { ReasonDialog } from './reason-dialog';
import type { Goal } from './types';

type Dialog = 'reject' | 'decline' | 'cancel' | 'progress' | 'edit' | null;

/** The buttons for what the caller may do to this goal right now, as the server reports it. */
export function GoalActions({ goal }: { goal: Goal }) {
  const utils = trpc.useUtils();
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  const refresh = () => void utils.goals.invalidate();
  const closeAndRefresh = () => {
    close();
    refresh();
  };

  const approve = trpc.goals.approve.useMutation({ onSuccess: refresh });
  const accept = trpc.goals.accept.useMutation({ onSuccess: refresh });
  const resubmit = trpc.goals.submit.useMutation({ onSuccess: refresh });
  const complete = trpc.goals.complete.useMutation({ onSuccess: refresh });
  const reject = trpc.goals.reject.useMutation({ onSuccess: closeAndRefresh });
  const decline = trpc.goals.decline.useMutation({ onSuccess: closeAndRefresh });
  const cancel = trpc.goals.cancel.useMutation({ onSuccess: closeAndRefresh });

  const open = (next: Exclude<Dialog, null>) => {
    for (const mutation of [reject, decline, cancel]) mutation.reset();
    setDialog(next);
  };
  const allowed = new Set(goal.allowedActions);
  const id = { id: goal.id };
  const named = (verb: string) => `${verb} "${goal.title}"`;
  // Errors of one-click actions appear right under the buttons.
  const clickError = [approve, accept, resubmit, complete].find((mutation) => mutation.error)?.error;

  if (allowed.size === 0) return null;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        {allowed.has('approve') && (
          <Button size="xs" color="teal" loading={approve.isPending} onClick={() => approve.mutate(id)} aria-label={named('Approve')}>
            Approve
          </Button>
        )}
        {allowed.has('reject') && (
          <Button size="xs" color="red" variant="light" onClick={() => open('reject')} aria-label={named('Reject')}>
            Reject
          </Button>
        )}
        {allowed.has('accept') && (
          <Button size="xs" color="teal" loading={accept.isPending} onClick={() => accept.mutate(id)} aria-label={named('Accept')}>
            Accept
          </Button>
        )}
        {allowed.has('decline') && (
          <Button size="xs" color="red" variant="light" onClick={() => open('decline')} aria-label={named('Decline')}>
            Decline
          </Button>
        )}
        {allowed.has('edit') && (
          <Button size="xs" variant="light" onClick={() => open('edit')} aria-label={named(goal.status === 'REJECTED' ? 'Edit and resubmit' : 'Edit')}>
            {goal.status === 'REJECTED' && allowed.has('submit') ? 'Edit and resubmit' : 'Edit'}
          </Button>
        )}
        {allowed.has('submit') && !allowed.has('edit') && (
          <Button size="xs" variant="light" loading={resubmit.isPending} onClick={() => resubmit.mutate(id)} aria-label={named('Resubmit')}>
            Resubmit
          </Button>
        )}
        {allowed.has('updateProgress') && (
          <Button size="xs" variant="light" onClick={() => open('progress')} aria-label={named('Update progress of')}>
            Update progress
          </Button>
        )}
        {allowed.has('complete') && (
          <Button size="xs" variant="light" color="teal" loading={complete.isPending} onClick={() => complete.mutate(id)} aria-label={named('Complete')}>
            Mark complete
          </Button>
        )}
        {allowed.has('cancel') && (
          <Button size="xs" variant="subtle" color="gray" onClick={() => open('cancel')} aria-label={named('Cancel')}>
            Cancel goal
          </Button>
        )}
      </Group>
      <InlineError error={clickError && errorMessage(clickError)} />

      <ReasonDialog
        opened={dialog === 'reject'}
        onClose={close}
        title={named('Reject')}
        description="The owner sees your reason and can edit and resubmit the goal."
        confirmLabel="Reject goal"
        required
        pending={reject.isPending}
        error={reject.error}
        onConfirm={(reason) => reject.mutate({ ...id, reason })}
      />
      <ReasonDialog
        opened={dialog === 'decline'}
        onClose={close}
        title={named('Decline')}
        description="Your supervisor sees your reason."
        confirmLabel="Decline goal"
        required
        pending={decline.isPending}
        error={decline.error}
        onConfirm={(reason) => decline.mutate({ ...id, reason })}
      />
      <ReasonDialog
        opened={dialog === 'cancel'}
        onClose={close}
        title={named('Cancel')}
        description="A cancelled goal keeps its history but can no longer change."
        confirmLabel="Cancel goal"
        required={false}
        pending={cancel.isPending}
        error={cancel.error}
        onConfirm={(reason) => cancel.mutate({ ...id, reason })}
      />
      {allowed.has('updateProgress') && <ProgressDialog goal={goal} opened={dialog === 'progress'} onClose={close} />}
      {allowed.has('edit') && <EditGoalDialog goal={goal} opened={dialog === 'edit'} onClose={close} />}
    </Stack>
  );
}
