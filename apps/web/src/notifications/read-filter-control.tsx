import { SegmentedControl } from '@mantine/core';
import type { ReadFilter } from './history-filters';

/** All / Unread / Read: the history page's and the search page's read-state filter. */
export function ReadFilterControl({ value, onChange }: { value: ReadFilter | undefined; onChange: (read: ReadFilter | undefined) => void }) {
  return (
    <SegmentedControl
      aria-label="Read or unread"
      data={[
        { value: 'any', label: 'All' },
        { value: 'unread', label: 'Unread' },
        { value: 'read', label: 'Read' },
      ]}
      value={value ?? 'any'}
      onChange={(read) => onChange(read === 'any' ? undefined : (read as ReadFilter))}
    />
  );
}
