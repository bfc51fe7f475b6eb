import { Group, Modal, NumberInput, Select } from '@mantine/core';
import type { GoalType } from '@pms/shared';
import { useState } from 'react';
import { fieldError } from '../api/errors';
import { useIdempotencyKey } from '../api/idempotency';
import { trpc } from '../api/trpc';
import type { SignedInUser } from '../auth/user';
import { DialogForm } from '../ui/dialog-form';
import { emptyGoalFields, GOAL_FIELD_NAMES, GoalFields, goalFieldsInput } from './goal-fields';
import { creatableGoalTypes, GOAL_TYPE_LABEL } from './goal-labels';
import { useRefreshGoals } from './use-refresh-goals';

export function CreateGoalDialog({ user, opened, onClose }: { user: SignedInUser; opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="New goal" centered size="lg">
      <CreateGoalForm user={user} onDone={onClose} />
    </Modal>
  );
}

function CreateGoalForm({ user, onDone }: { user: SignedInUser; onDone(): void }) {
  const types = creatableGoalTypes(user.permissions);
  const [type, setType] = useState<GoalType>('INDIVIDUAL');
  const [year, setYear] = useState(new Date().getFullYear());
  const [quarter, setQuarter] = useState<string | null>(null);
  const [fields, setFields] = useState(emptyGoalFields);
  const create = trpc.goals.create.useMutation({ onSuccess: useRefreshGoals(onDone) });
  const once = useIdempotencyKey();

  const submit = () => {
    const { parentGoalId, ...rest } = goalFieldsInput(fields);
    create.mutate(
      once({
        ...rest,
        type,
        year,
        quarter: type === 'QUARTERLY' && quarter ? Number(quarter) : undefined,
        // Only personal goals align to another goal.
        parentGoalId: type === 'INDIVIDUAL' ? parentGoalId : undefined,
      }),
    );
  };

  return (
    <DialogForm
      onSubmit={submit}
      onBack={onDone}
      submitLabel="Create goal"
      pending={create.isPending}
      error={create.error}
      fields={['type', 'year', 'quarter', ...GOAL_FIELD_NAMES]}
    >
      <Select
        label="Type"
        data={types.map((value) => ({ value, label: GOAL_TYPE_LABEL[value] }))}
        value={type}
        onChange={(value) => value && setType(value as GoalType)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        description={
          type !== 'INDIVIDUAL'
            ? 'Organisational goals start active'
            : user.supervisorId !== null
              ? 'Your supervisor approves personal goals'
              : undefined
        }
        error={fieldError(create.error, 'type')}
        data-testid="goal-type-select"
      />
      <Group grow align="flex-start">
        <NumberInput
          label="Year"
          min={2000}
          max={2100}
          allowDecimal={false}
          value={year}
          onChange={(value) => setYear(Number(value) || new Date().getFullYear())}
          error={fieldError(create.error, 'year')}
        />
        {type === 'QUARTERLY' && (
          <Select
            label="Quarter"
            required
            data={['1', '2', '3', '4'].map((value) => ({ value, label: `Q${value}` }))}
            value={quarter}
            onChange={setQuarter}
            comboboxProps={{ withinPortal: true }}
            error={fieldError(create.error, 'quarter')}
          />
        )}
      </Group>
      <GoalFields values={fields} onChange={setFields} error={create.error} withParent={type === 'INDIVIDUAL'} />
    </DialogForm>
  );
}
