import { Box, Button, Center, Checkbox, Group, Loader, Paper, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback, useIntersection } from '@mantine/hooks';
import { NotificationPriority, type NotificationViewName } from '@pms/shared';
import { useEffect, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { errorMessage } from '../api/errors';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { FilterSelect } from '../ui/filter-select';
import { PageHeader } from '../ui/page-header';
import { Empty, InlineError, Loading, LoadError } from '../ui/states';
import { formatFilters, listFilterOf, parseFilters, type HistoryFilters } from './history-filters';
import { ItemControls } from './item-controls';
import { PRIORITY_LOOK } from './labels';
import { ReadFilterControl } from './read-filter-control';
import { useNotificationTypes, useTypeLabel } from './notification-types';
import { NotificationGroupRow } from './group-row';
import { groupId, groupNotifications } from './groups';
import { NotificationRow } from './notification-row';
import type { NotificationItem } from './types';
import { RequestActions } from './request-actions';
import { useArchiveAllRead, useMarkAllRead, useMarkShownSeen, useOpenNotification, useSetRead } from './use-notification-cache';
import { BulkBar } from './bulk-bar';
import { useBulkAction, type BulkAction } from './bulk-actions';
import { useBulkSelection } from './bulk-selection';
import { listKeyOf, useDeleteWithUndo, useHiddenByPendingDeletes } from './pending-deletes';

const VIEWS: Array<{ value: NotificationViewName; label: string }> = [
  { value: 'inbox', label: 'Inbox' },
  { value: 'archived', label: 'Archived' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'all', label: 'All' },
];

/** The filters live in the URL (see history-filters.ts): changing one replaces the entry, so Back leaves the page. */
function useFiltersInUrl(): [HistoryFilters, (change: Partial<HistoryFilters>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const filters = parseFilters(search);
  const setFilters = (change: Partial<HistoryFilters>) => {
    const query = formatFilters({ ...filters, ...change });
    navigate(query ? `${location}?${query}` : location, { replace: true });
  };
  return [filters, setFilters];
}

export function NotificationHistoryPage() {
  const [inUrl, setFilters] = useFiltersInUrl();
  const typeLabel = useTypeLabel();
  const typeOptions = (useNotificationTypes().data ?? []).map((known) => known.type);
  // A type the registry does not know (an old or mistyped link) filters nothing, rather than failing the list.
  const filters = inUrl.type && typeOptions.length > 0 && !typeOptions.includes(inUrl.type) ? { ...inUrl, type: undefined } : inUrl;
  const stats = trpc.notifications.stats.useQuery();
  const markAllRead = useMarkAllRead();
  const archiveAllRead = useArchiveAllRead();
  const unread = stats.data?.unreadCount ?? 0;
  const counts: Partial<Record<NotificationViewName, number>> = { archived: stats.data?.archivedCount, snoozed: stats.data?.snoozedCount };

  return (
    <>
      <PageHeader
        title="Notifications"
        description={stats.data ? `${unread} unread, ${stats.data.unseenCount} new` : undefined}
        action={
          <Group gap="xs">
            <Button variant="light" disabled={unread === 0} loading={markAllRead.isPending} onClick={() => markAllRead.mutate()}>
              Mark all read
            </Button>
            <Button variant="default" loading={archiveAllRead.isPending} onClick={() => archiveAllRead.mutate()}>
              Archive all read
            </Button>
          </Group>
        }
      />
      <InlineError error={(markAllRead.error && errorMessage(markAllRead.error)) || (archiveAllRead.error && errorMessage(archiveAllRead.error))} />
      {archiveAllRead.data && (
        <Text size="sm" c="dimmed" mb="xs" role="status">
          {archiveAllRead.data.count === 0 ? 'Nothing read to archive.' : `Archived ${archiveAllRead.data.count} read notification${archiveAllRead.data.count === 1 ? '' : 's'}.`}
        </Text>
      )}
      <Tabs value={filters.view} onChange={(view) => setFilters({ view: (view as NotificationViewName | null) ?? 'inbox' })} mb="md">
        <Tabs.List>
          {VIEWS.map(({ value, label }) => (
            <Tabs.Tab key={value} value={value}>
              {counts[value] ? `${label} (${counts[value]})` : label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group gap="sm" mb="md" align="flex-end">
        <SearchBox value={filters.q ?? ''} onSearch={(q) => setFilters({ q })} />
        <FilterSelect
          label="Type"
          placeholder="Any type"
          options={typeOptions}
          labelOf={typeLabel}
          value={filters.type}
          onChange={(type) => setFilters({ type })}
          w={{ base: '100%', xs: 220 }}
        />
        <FilterSelect
          label="Priority"
          placeholder="Any priority"
          options={NotificationPriority.options}
          labelOf={(priority) => PRIORITY_LOOK[priority].label}
          value={filters.priority}
          onChange={(priority) => setFilters({ priority })}
          w={{ base: '100%', xs: 160 }}
        />
        <ReadFilterControl value={filters.read} onChange={(read) => setFilters({ read })} />
      </Group>
      {/* Keyed by the filters: another filter is another list, with a selection of its own. */}
      <NotificationHistory key={listKeyOf(listFilterOf(filters))} filters={filters} />
    </>
  );
}

/** Free text, sent to the URL (and so to the server) once typing pauses. */
function SearchBox({ value, onSearch }: { value: string; onSearch(q: string | undefined): void }) {
  const [text, setText] = useState(value);
  const search = useDebouncedCallback((q: string) => onSearch(q.trim() || undefined), 300);
  return (
    <TextInput
      label="Search"
      type="search"
      placeholder="Words in the title or message"
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        search(event.currentTarget.value);
      }}
      w={{ base: '100%', xs: 260 }}
    />
  );
}

function NotificationHistory({ filters }: { filters: HistoryFilters }) {
  const listFilter = listFilterOf(filters);
  const list = trpc.notifications.list.useInfiniteQuery({ limit: 20, ...listFilter }, { getNextPageParam: nextCursor });
  const setRead = useSetRead();
  const open = useOpenNotification(setRead);
  const remove = useDeleteWithUndo();
  const hidden = useHiddenByPendingDeletes(listFilter);
  const items = (list.data?.pages.flatMap((page) => page.items) ?? []).filter((item) => !hidden(item));
  const selection = useBulkSelection(items);
  const bulk = useBulkAction();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const matching = trpc.notifications.count.useQuery(listFilter, { enabled: selection.allShown && hasNextPage });
  useMarkShownSeen(filters.view === 'inbox' ? items : []);
  // Infinite scroll: the next page loads as the end of the list comes into view.
  const { ref: end, entry } = useIntersection({ rootMargin: '200px' });
  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const runBulk = (action: BulkAction) => {
    const { allMatching, selectedIds } = selection;
    const target = allMatching ? { filter: listFilter, maxId: allMatching.maxId } : { ids: selectedIds };
    const count = allMatching ? (matching.data?.count ?? selectedIds.length) : selectedIds.length;
    bulk.mutate({ action, target, count, listFilter }, { onSuccess: selection.clear });
  };
  const checkbox = (ids: number[], title: string) => {
    const selected = items.filter((item) => ids.includes(item.id) && selection.isSelected(item)).length;
    return (
      <Checkbox
        mt={4}
        aria-label={`Select ${title}`}
        checked={selected === ids.length}
        indeterminate={selected > 0 && selected < ids.length}
        onChange={(event) => selection.toggle(ids, event.currentTarget.checked)}
      />
    );
  };

  const row = (item: NotificationItem) => (
    <NotificationRow item={item} detailed onOpen={() => open(item)} select={checkbox([item.id], `"${item.title}"`)}>
      <RequestActions item={item} />
      <ItemControls
        item={item}
        extra={
          <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove({ ids: [item.id] }, `"${item.title}"`)} aria-label={`Delete "${item.title}"`}>
            Delete
          </Button>
        }
      />
    </NotificationRow>
  );

  if (list.isPending) return <Loading label="Loading notifications…" />;
  if (list.error) return <LoadError error={list.error} onRetry={() => void list.refetch()} title="Could not load notifications" />;
  const filtered = Boolean(filters.type || filters.priority || filters.read || filters.q);
  if (items.length === 0) {
    return (
      <Empty
        title={filtered ? 'No notifications match these filters' : filters.view === 'inbox' ? 'Your inbox is empty' : `Nothing ${filters.view === 'all' ? 'here' : filters.view}`}
        description="They arrive here as your goals move."
      />
    );
  }

  return (
    <>
      <BulkBar
        view={filters.view}
        selection={selection}
        shown={items.length}
        hasMore={Boolean(hasNextPage)}
        matching={matching.data?.count}
        pending={bulk.isPending}
        error={bulk.error}
        onAction={runBulk}
      />
      <Paper withBorder>
        <Stack gap={0} data-testid="notification-history">
          {groupNotifications(items).map((entry) => (
            <Box key={entry.kind === 'item' ? entry.item.id : groupId(entry.group)} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
              {entry.kind === 'item' ? (
                row(entry.item)
              ) : (
                // A group's checkbox sits beside its row (group-row.tsx) and selects every member.
                <Group wrap="nowrap" align="flex-start" gap={0} pl="sm" pt={10}>
                  {checkbox(entry.group.members.map((member) => member.id), `the group "${entry.group.members[0]!.title}"`)}
                  <Box style={{ flex: 1, minWidth: 0 }} mt={-10}>
                    <NotificationGroupRow group={entry.group} renderMember={row} />
                  </Box>
                </Group>
              )}
            </Box>
          ))}
          <Center py="sm" ref={end}>
            {isFetchingNextPage ? (
              <Loader size="sm" aria-label="Loading more notifications" />
            ) : hasNextPage ? (
              <Button variant="subtle" onClick={() => void fetchNextPage()}>
                Load more
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                That is everything.
              </Text>
            )}
          </Center>
        </Stack>
      </Paper>
    </>
  );
}
