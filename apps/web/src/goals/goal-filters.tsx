import { Group, Select } from '@mantine/core';
import { GoalStatus, GoalType } from '@pms/shared';
import { STATUS_LOOK, TYPE_LABEL } from './goal-labels';

export interface GoalFilter {
  status?: GoalStatus;
  type?: GoalType;
}

/** Status and type filters; `types` limits the type choices (e.g. personal only). */
export function GoalFilters({ value, onChange, types = GoalType.options }: { value: GoalFilter; onChange(value: GoalFilter): void; types?: readonly GoalType[] }) {
  return (
    <Group gap="sm" mb="md" grow preventGrowOverflow={false}>
      <Select
        label="Status"
        placeholder="Any status"
        clearable
        data={GoalStatus.options.map((status) => ({ value: status, label: STATUS_LOOK[status].label }))}
        value={value.status ?? null}
        onChange={(status) => onChange({ ...value, status: (status as GoalStatus | null) ?? undefined })}
        maw={260}
      />
      {types.length > 1 && (
        <Select
          label="Type"
          placeholder="Any type"
          clearable
          data={types.map((type) => ({ value: type, label: TYPE_LABEL[type] }))}
          value={value.type ?? null}
          onChange={(type) => onChange({ ...value, type: (type as GoalType | null) ?? undefined })}
          maw={260}
        />
      )}
    </Group>
  );
}
