import { Modal, Select } from '@mantine/core';
import { useState } from 'react';
import { fieldError } from '../api/errors';
import { useIdempotencyKey } from '../api/idempotency';
import { trpc } from '../api/trpc';
import { DialogForm } from '../ui/dialog-form';
import { emptyGoalFields, GOAL_FIELD_NAMES, GoalFields, goalFieldsInput } from './goal-fields';
import type { Supervisee } from './types';
import { useRefreshGoals } from './use-refresh-goals';

interface AssignGoalDialogProps {
  supervisees: Supervisee[];
  /** Preselected direct report, or null to choose in the dialog. */
  superviseeId: number | null;
  opened: boolean;
  onClose(): void;
}

export function AssignGoalDialog({ opened, onClose, ...form }: AssignGoalDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Assign a goal" centered size="lg">
      <AssignGoalForm {...form} onDone={onClose} />
    </Modal>
  );
}

function AssignGoalForm({ supervisees, superviseeId, onDone }: Omit<AssignGoalDialogProps, 'opened' | 'onClose'> & { onDone(): void }) {
  const [assignee, setAssignee] = useState<string | null>(superviseeId === null ? null : String(superviseeId));
  const [fields, setFields] = useState(emptyGoalFields);
  const assign = trpc.goals.assign.useMutation({ onSuccess: useRefreshGoals(onDone) });
  const once = useIdempotencyKey();

  return (
    <DialogForm
      onSubmit={() => assign.mutate(once({ superviseeId: Number(assignee), ...goalFieldsInput(fields) }))}
      onBack={onDone}
      submitLabel="Assign goal"
      pending={assign.isPending}
      error={assign.error}
      fields={['superviseeId', ...GOAL_FIELD_NAMES]}
    >
      <Select
        label="Assign to"
        required
        placeholder="Choose a direct report"
        data={supervisees.map((person) => ({ value: String(person.id), label: person.name }))}
        value={assignee}
        onChange={setAssignee}
        comboboxProps={{ withinPortal: true }}
        error={fieldError(assign.error, 'superviseeId')}
      />
      <GoalFields values={fields} onChange={setFields} error={assign.error} withParent />
    </DialogForm>
  );
}
