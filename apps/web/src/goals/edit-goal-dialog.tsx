import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { formError } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { GOAL_FIELD_NAMES, GoalFields, goalFieldsInput, type GoalFieldValues } from './goal-fields';
import type { Goal } from './types';

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
  const utils = trpc.useUtils();
  const [fields, setFields] = useState<GoalFieldValues>({
    title: goal.title,
    description: goal.description,
    dueDate: goal.dueDate ?? '',
    parentGoalId: goal.parentGoalId === null ? null : String(goal.parentGoalId),
  });
  const update = trpc.goals.update.useMutation();
  const submit = trpc.goals.submit.useMutation();
  const error = update.error ?? submit.error;

  const save = async (event: FormEvent) => {
    event.preventDefault();
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
      void utils.goals.invalidate();
    }
  };

  return (
    <form onSubmit={save} noValidate>
      <Stack>
        {goal.lastReason && goal.status === 'REJECTED' && (
          <Alert color="red" title="Why it was rejected" data-testid="rejection-reason">
            {goal.lastReason}
          </Alert>
        )}
        <GoalFields values={fields} onChange={setFields} error={error} withParent={goal.type === 'INDIVIDUAL'} />
        <InlineError error={formError(error, [...GOAL_FIELD_NAMES])} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending || submit.isPending}>
            {resubmits ? 'Save and resubmit' : 'Save'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
