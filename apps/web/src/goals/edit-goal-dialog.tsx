import { Alert, Modal } from '@mantine/core';
import { useState } from 'react';
import { trpc } from '../api/trpc';
import { DialogForm } from '../ui/dialog-form';
import { GOAL_FIELD_NAMES, GoalFields, goalFieldsInput, type GoalFieldValues } from './goal-fields';
import type { Goal } from './types';
import { useRefreshGoals } from './use-refresh-goals';

/** Edits a goal still being agreed; a rejected one is resubmitted in the same step. */
export function EditGoalDialog({ goal, opened, onClose }: { goal: Goal; opened: boolean; onClose(): void }) {
  const resubmits = goal.status === 'REJECTED' && goal.allowedActions.includes('submit');
  return (
    <Modal opened={opened} onClose={onClose} title={resubmits ? 'Edit and resubmit' : 'Edit goal'} centered size="lg">
      <EditGoalForm goal={goal} resubmits={resubmits} onDone={onClose} />
    </Modal>
  );
}

function EditGoalForm({ goal, resubmits, onDone }: { goal: Goal; resubmits: boolean; onDone(): void }) {
  const refresh = useRefreshGoals();
  const [fields, setFields] = useState<GoalFieldValues>({
    title: goal.title,
    description: goal.description,
    dueDate: goal.dueDate ?? '',
    parentGoalId: goal.parentGoalId === null ? null : String(goal.parentGoalId),
  });
  const update = trpc.goals.update.useMutation();
  const submit = trpc.goals.submit.useMutation();
  const error = update.error ?? submit.error;

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
      if (resubmits) await submit.mutateAsync({ id: goal.id });
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
      submitLabel={resubmits ? 'Save and resubmit' : 'Save'}
      pending={update.isPending || submit.isPending}
      error={error}
      fields={GOAL_FIELD_NAMES}
    >
      {goal.lastReason && goal.status === 'REJECTED' && (
        <Alert color="red" title="Why it was rejected" data-testid="rejection-reason">
          {goal.lastReason}
        </Alert>
      )}
      <GoalFields values={fields} onChange={setFields} error={error} withParent={goal.type === 'INDIVIDUAL'} savedDueDate={goal.dueDate} />
    </DialogForm>
  );
}
