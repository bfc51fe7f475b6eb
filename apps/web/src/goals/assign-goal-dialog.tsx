import { Button, Group, Modal, Select, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError, formError } from '../api/errors';
import { trpc, type RouterOutputs } from '../api/trpc';
import { InlineError } from '../ui/states';
import { emptyGoalFields, GOAL_FIELD_NAMES, GoalFields, goalFieldsInput } from './goal-fields';

type Supervisee = RouterOutputs['users']['supervisees'][number];

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
  const utils = trpc.useUtils();
  const [assignee, setAssignee] = useState<string | null>(superviseeId === null ? null : String(superviseeId));
  const [fields, setFields] = useState(emptyGoalFields);
  const assign = trpc.goals.assign.useMutation({
    onSuccess: () => {
      void utils.goals.invalidate();
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    assign.mutate({ superviseeId: Number(assignee), ...goalFieldsInput(fields) });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
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
        <InlineError error={formError(assign.error, ['superviseeId', ...GOAL_FIELD_NAMES])} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={assign.isPending}>
            Assign goal
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
