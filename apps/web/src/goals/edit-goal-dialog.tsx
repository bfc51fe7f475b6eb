import { Alert, Modal } from '@mantine/core';
import { useState } from 'react';
import { trpc } from '../api/trpc';
import { DialogForm } from '../ui/dialog-form';
import { GOAL_FIELD_NAMES, GoalFields, goalFieldsInput, type GoalFieldValues } from './goal-fields';
import type { Goal } from './types';
import { useRefreshGoals } from './use-refresh-goals';

/** What saving does after the edit: a rejected goal is resubmitted, a declined one assigned again. */
type Then = 'submit' | 'reassign' | null;

const THEN_LOOK = {
  submit: { title: 'Edit and resubmit', save: 'Save and resubmit', why: 'Why it was rejected' },
  reassign: { title: 'Reopen and assign again', save: 'Save and assign again', why: 'Why it was declined' },
} as const;

/** Edits a goal still being agreed; a rejected one is resubmitted, a declined one assigned again, in the same step. */
export function EditGoalDialog({ goal, opened, onClose }: { goal: Goal; opened: boolean; onClose(): void }) {
  const then: Then =
    goal.status === 'REJECTED' && goal.allowedActions.includes('submit')
      ? 'submit'
      : goal.status === 'DECLINED' && goal.allowedActions.includes('reassign')
        ? 'reassign'
        : null;
  return (
    <Modal opened={opened} onClose={onClose} title={then ? THEN_LOOK[then].title : 'Edit goal'} centered size="lg">
      <EditGoalForm goal={goal} then={then} onDone={onClose} />
    </Modal>
  );
}

function EditGoalForm({ goal, then, onDone }: { goal: Goal; then: Then; onDone(): void }) {
  const refresh = useRefreshGoals();
  const [fields, setFields] = useState<GoalFieldValues>({
    title: goal.title,
    description: goal.description,
    dueDate: goal.dueDate ?? '',
    parentGoalId: goal.parentGoalId === null ? null : String(goal.parentGoalId),
  });
  const update = trpc.goals.update.useMutation();
  const submit = trpc.goals.submit.useMutation();
  const reassign = trpc.goals.reassign.useMutation();
  const error = update.error ?? submit.error ?? reassign.error;

  const save = async () => {
    const input = goalFieldsInput(fields);
    try {
      // The version we edited: if someone changed the goal meanwhile, the server says so.
      await update.mutateAsync({
        id: goal.id,
        version: goal.version,
        ...input,
        dueDate: input.dueDate ?? null,
        parentGoalId: input.parentGoalId ?? null,
      });
      if (then === 'submit') await submit.mutateAsync({ id: goal.id });
      if (then === 'reassign') await reassign.mutateAsync({ id: goal.id });
      onDone();
    } catch {
      // Shown next to the fields from the mutation's error.
    } finally {
      refresh();
    }
  };

  return (
    <DialogForm
      onSubmit={() => void save()}
      onBack={onDone}
      submitLabel={then ? THEN_LOOK[then].save : 'Save'}
      pending={update.isPending || submit.isPending || reassign.isPending}
      error={error}
      fields={GOAL_FIELD_NAMES}
    >
      {goal.lastReason && then && (
        <Alert color="red" title={THEN_LOOK[then].why} data-testid="rejection-reason">
          {goal.lastReason}
        </Alert>
      )}
      <GoalFields values={fields} onChange={setFields} error={error} withParent={goal.type === 'INDIVIDUAL'} savedDueDate={goal.dueDate} />
    </DialogForm>
  );
}
