import { Button, Group, Stack, type ButtonProps } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { EditGoalDialog } from './edit-goal-dialog';
import { ProgressDialog } from './progress-dialog';
import { ReasonDialog } from './reason-dialog';
import type { Goal } from './types';
import { useRefreshGoals } from './use-refresh-goals';

type Action = Goal['allowedActions'][number];

/** The actions that ask why first, and what their dialog says. */
const REASON_DIALOGS = {
  reject: { verb: 'Reject', description: 'The owner sees your reason and can edit and resubmit the goal.', confirmLabel: 'Reject goal', required: true },
  decline: { verb: 'Decline', description: 'Your supervisor sees your reason.', confirmLabel: 'Decline goal', required: true },
  cancel: { verb: 'Cancel', description: 'A cancelled goal keeps its history but can no longer change.', confirmLabel: 'Cancel goal', required: false },
} as const;

type ReasonAction = keyof typeof REASON_DIALOGS;
type Dialog = ReasonAction | 'progress' | 'edit';

/** What these buttons and dialogs need of a tRPC mutation. */
interface GoalMutation<Input> {
  isPending: boolean;
  error: unknown;
  mutate(input: Input): void;
  reset(): void;
}

/** The buttons for what the caller may do to this goal right now, as the server reports it. */
export function GoalActions({ goal }: { goal: Goal }) {
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  const refresh = useRefreshGoals();
  const closeAndRefresh = useRefreshGoals(close);

  // Done in one click: their errors appear right under the buttons.
  const approve = trpc.goals.approve.useMutation({ onSuccess: refresh });
  const accept = trpc.goals.accept.useMutation({ onSuccess: refresh });
  const resubmit = trpc.goals.submit.useMutation({ onSuccess: refresh });
  const complete = trpc.goals.complete.useMutation({ onSuccess: refresh });
  const reassign = trpc.goals.reassign.useMutation({ onSuccess: refresh });
  // Done from a dialog, which shows their errors.
  const withReason: Record<ReasonAction, GoalMutation<{ id: number; reason: string }>> = {
    reject: trpc.goals.reject.useMutation({ onSuccess: closeAndRefresh }),
    decline: trpc.goals.decline.useMutation({ onSuccess: closeAndRefresh }),
    cancel: trpc.goals.cancel.useMutation({ onSuccess: closeAndRefresh }),
  };

  const allowed = new Set(goal.allowedActions);
  const id = { id: goal.id };
  const named = (verb: string) => `${verb} "${goal.title}"`;
  const resubmits = goal.status === 'REJECTED' && allowed.has('submit');
  const reassigns = goal.status === 'DECLINED' && allowed.has('reassign');
  const clickError = [approve, accept, resubmit, complete, reassign].find((mutation) => mutation.error)?.error;

  const run = (mutation: GoalMutation<{ id: number }>) => ({ loading: mutation.isPending, onClick: () => mutation.mutate(id) });
  const ask = (next: Dialog) => ({
    onClick: () => {
      for (const mutation of Object.values(withReason)) mutation.reset();
      setDialog(next);
    },
  });
  /** The button for `action` when the server allows it, named after the goal for screen readers. */
  const button = (action: Action, label: string, props: ButtonProps & { onClick(): void }, verb = label) =>
    allowed.has(action) && (
      <Button size="xs" variant="light" {...props} aria-label={named(verb)}>
        {label}
      </Button>
    );

  if (allowed.size === 0) return null;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        {button('approve', 'Approve', { color: 'teal', variant: 'filled', ...run(approve) })}
        {button('reject', 'Reject', { color: 'red', ...ask('reject') })}
        {button('accept', 'Accept', { color: 'teal', variant: 'filled', ...run(accept) })}
        {button('decline', 'Decline', { color: 'red', ...ask('decline') })}
        {button('edit', resubmits ? 'Edit and resubmit' : reassigns ? 'Reopen and assign again' : 'Edit', ask('edit'))}
        {/* Resubmitting or reassigning unchanged is for those who may not edit; editors do it from the edit dialog. */}
        {!allowed.has('edit') && button('submit', 'Resubmit', run(resubmit))}
        {!allowed.has('edit') && button('reassign', 'Assign again', run(reassign))}
        {button('updateProgress', 'Update progress', ask('progress'), 'Update progress of')}
        {button('complete', 'Mark complete', { color: 'teal', ...run(complete) }, 'Complete')}
        {button('cancel', 'Cancel goal', { color: 'gray', variant: 'subtle', ...ask('cancel') }, 'Cancel')}
      </Group>
      <InlineError error={clickError && errorMessage(clickError)} />

      {(Object.keys(REASON_DIALOGS) as ReasonAction[]).map((action) => {
        const { verb, ...texts } = REASON_DIALOGS[action];
        const mutation = withReason[action];
        return (
          <ReasonDialog
            key={action}
            {...texts}
            opened={dialog === action}
            onClose={close}
            title={named(verb)}
            pending={mutation.isPending}
            error={mutation.error}
            onConfirm={(reason) => mutation.mutate({ ...id, reason })}
          />
        );
      })}
      {allowed.has('updateProgress') && <ProgressDialog goal={goal} opened={dialog === 'progress'} onClose={close} />}
      {allowed.has('edit') && <EditGoalDialog goal={goal} opened={dialog === 'edit'} onClose={close} />}
    </Stack>
  );
}
