import { Select, type SelectProps } from '@mantine/core';

interface FilterSelectProps<T extends string> extends Pick<SelectProps, 'label' | 'placeholder' | 'w' | 'maw'> {
  options: readonly T[];
  labelOf(option: T): string;
  /** undefined: no filter ("any"). */
  value: T | undefined;
  onChange(value: T | undefined): void;
}

/** One clearable filter of a list: cleared, it lets everything through. */
export function FilterSelect<T extends string>({ options, labelOf, value, onChange, ...look }: FilterSelectProps<T>) {
  return (
    <Select
      {...look}
      clearable
      data={options.map((option) => ({ value: option, label: labelOf(option) }))}
      value={value ?? null}
      onChange={(chosen) => onChange((chosen as T | null) ?? undefined)}
    />
  );
}
