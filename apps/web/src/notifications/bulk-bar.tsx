import { Anchor, Button, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import type { NotificationViewName } from '@pms/shared';
import { errorMessage } from '../api/errors';
import { InlineError } from '../ui/states';
import type { BulkAction } from './bulk-actions';
import type { BulkSelection } from './bulk-selection';

interface BulkBarProps {
  view: NotificationViewName;
  selection: BulkSelection;
  /** Rows shown; more may match than are loaded (`hasMore`). */
  shown: number;
  hasMore: boolean;
  /** How many match the filters, once asked (while every shown row is selected). */
  matching: number | undefined;
  pending: boolean;
  error: unknown;
  onAction(action: BulkAction): void;
}

const plural = (count: number) => (count === 1 ? '1 notification' : `${count} notifications`);

/**
 * Above the list: "select all shown", and, once something is selected, how many and what can be
 * done to them. When every shown row is selected and more match, Gmail's offer to select all of
 * them. With a selection it sticks under the header, so the actions stay at hand while scrolling;
 * it wraps on a phone.
 */
export function BulkBar({ view, selection, shown, hasMore, matching, pending, error, onAction }: BulkBarProps) {
  const { selectedIds, allMatching, allShown } = selection;
  const count = allMatching ? (matching ?? selectedIds.length) : selectedIds.length;
  const action = (label: string, kind: BulkAction, color?: string) => (
    <Button size="compact-sm" variant="light" color={color} disabled={pending} onClick={() => onAction(kind)}>
      {label}
    </Button>
  );

  return (
    // Idle, one slim line, and none on a phone, where every line above the list counts (toasts sit
    // at the bottom): there the bar appears with the first row selected. With a selection, a card.
    <Paper
      visibleFrom={count > 0 ? undefined : 'sm'}
      withBorder={count > 0}
      p={count > 0 ? 'xs' : 0}
      px="xs"
      mb="xs"
      style={count > 0 ? { position: 'sticky', top: 68, zIndex: 3 } : undefined}
      data-testid="bulk-bar"
    >
      <Stack gap={6}>
        <Group gap="sm" wrap="wrap">
          <Checkbox
            label={count > 0 ? `${plural(count)} selected` : 'Select all shown'}
            aria-label="Select all shown"
            checked={allShown}
            indeterminate={count > 0 && !allShown}
            onChange={(event) => selection.selectShown(event.currentTarget.checked)}
          />
          {count > 0 && (
            <Group gap={6} wrap="wrap" role="group" aria-label="Bulk actions">
              {action('Mark read', 'read')}
              {action('Mark unread', 'unread')}
              {view !== 'archived' && action('Archive', 'archive')}
              {view !== 'inbox' && action('Unarchive', 'unarchive')}
              {action('Delete', 'delete', 'red')}
              <Button size="compact-sm" variant="subtle" color="gray" onClick={selection.clear}>
                Clear
              </Button>
            </Group>
          )}
        </Group>
        {allShown && hasMore && (
          <Text size="sm" role="status" data-testid="select-all-banner">
            {allMatching ? (
              <>
                All {matching ?? ''} notifications matching this filter are selected.{' '}
                <Anchor component="button" type="button" size="sm" onClick={selection.clear}>
                  Clear selection
                </Anchor>
              </>
            ) : (
              <>
                All {shown} shown are selected.{' '}
                <Anchor component="button" type="button" size="sm" onClick={selection.selectAllMatching}>
                  Select all {matching ?? ''} matching this filter
                </Anchor>
              </>
            )}
          </Text>
        )}
        <InlineError error={error ? errorMessage(error) : null} />
      </Stack>
    </Paper>
  );
}
