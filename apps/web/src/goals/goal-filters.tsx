import { Group } from '@mantine/core';
import { GoalStatus, GoalType } from '@pms/shared';
import { FilterSelect } from '../ui/filter-select';
import { STATUS_LOOK, GOAL_TYPE_LABEL } from './goal-labels';

export interface GoalFilter {
  status?: GoalStatus;
  type?: GoalType;
}

export const isFiltered = (filter: GoalFilter) => filter.status !== undefined || filter.type !== undefined;

/** Status and type filters; `types` limits the type choices (e.g. personal only). */
export function GoalFilters({ value, onChange, types = GoalType.options }: { value: GoalFilter; onChange(value: GoalFilter): void; types?: readonly GoalType[] }) {
  return (
    <Group gap="sm" mb="md" grow preventGrowOverflow={false}>
      <FilterSelect
        label="Status"
        placeholder="Any status"
        options={GoalStatus.options}
        labelOf={(status) => STATUS_LOOK[status].label}
        value={value.status}
        onChange={(status) => onChange({ ...value, status })}
        maw={260}
      />
      {types.length > 1 && (
        <FilterSelect
          label="Type"
          placeholder="Any type"
          options={types}
          labelOf={(type) => GOAL_TYPE_LABEL[type]}
          value={value.type}
          onChange={(type) => onChange({ ...value, type })}
          maw={260}
        />
      )}
    </Group>
  );
}
