/** The fields every goal form shares: title, description, due date, and the goal it aligns to. */
import { Select, Textarea, TextInput } from '@mantine/core';
import { GOAL_LIMITS, periodLabel } from '@pms/shared';
import { fieldError } from '../api/errors';
import { trpc } from '../api/trpc';

export interface GoalFieldValues {
  title: string;
  description: string;
  dueDate: string;
  parentGoalId: string | null;
}

export const emptyGoalFields: GoalFieldValues = { title: '', description: '', dueDate: '', parentGoalId: null };

export const GOAL_FIELD_NAMES = ['title', 'description', 'dueDate', 'parentGoalId'] as const;

interface GoalFieldsProps {
  values: GoalFieldValues;
  onChange(values: GoalFieldValues): void;
  error: unknown;
  /** Personal goals may align to an organisational one. */
  withParent: boolean;
  /** The date the goal has now, when editing: kept as it is, it may stay even once past. */
  savedDueDate?: string | null;
}

/** Today where the browser is, `2026-12-02`: the earliest due date the form offers (the server decides by the user's time zone). */
function localToday(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function GoalFields({ values, onChange, error, withParent, savedDueDate }: GoalFieldsProps) {
  const set = (change: Partial<GoalFieldValues>) => onChange({ ...values, ...change });
  const today = localToday();
  const minDate = savedDueDate && savedDueDate < today ? savedDueDate : today;
  return (
    <>
      <TextInput
        label="Title"
        required
        maxLength={GOAL_LIMITS.title}
        value={values.title}
        onChange={(event) => set({ title: event.currentTarget.value })}
        error={fieldError(error, 'title')}
        data-autofocus
      />
      <Textarea
        label="Description"
        autosize
        minRows={2}
        maxRows={8}
        maxLength={GOAL_LIMITS.description}
        value={values.description}
        onChange={(event) => set({ description: event.currentTarget.value })}
        error={fieldError(error, 'description')}
      />
      <TextInput
        label="Due date"
        type="date"
        min={minDate}
        value={values.dueDate}
        onChange={(event) => set({ dueDate: event.currentTarget.value })}
        error={fieldError(error, 'dueDate')}
      />
      {withParent && <ParentGoalSelect value={values.parentGoalId} onChange={(parentGoalId) => set({ parentGoalId })} error={error} />}
    </>
  );
}

function ParentGoalSelect({ value, onChange, error }: { value: string | null; onChange(value: string | null): void; error: unknown }) {
  const organisational = trpc.goals.organisational.useQuery({ limit: 100, status: 'ACTIVE' });
  const data = (organisational.data?.items ?? []).map((goal) => ({ value: String(goal.id), label: `${goal.title} (${periodLabel(goal)})` }));
  return (
    <Select
      label="Aligns to"
      description="Optional: the organisational goal this one supports"
      placeholder={organisational.isPending ? 'Loading…' : data.length ? 'Choose a goal' : 'No organisational goals yet'}
      data={data}
      value={value}
      onChange={onChange}
      clearable
      searchable
      comboboxProps={{ withinPortal: true }}
      error={fieldError(error, 'parentGoalId') ?? (organisational.error ? 'Could not load organisational goals' : undefined)}
    />
  );
}

/** Form values as API input: blank optional fields are left out. */
export function goalFieldsInput(values: GoalFieldValues) {
  return {
    title: values.title,
    description: values.description,
    dueDate: values.dueDate || undefined,
    parentGoalId: values.parentGoalId ? Number(values.parentGoalId) : undefined,
  };
}
