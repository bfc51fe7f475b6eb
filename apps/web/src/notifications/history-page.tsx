import { Box, Button, Center, Group, Loader, Paper, Stack, Switch, Text } from '@mantine/core';
import { useIntersection } from '@mantine/hooks';
import { NotificationPriority, NotificationType } from '@pms/shared';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/errors';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { FilterSelect } from '../ui/filter-select';
import { PageHeader } from '../ui/page-header';
import { Empty, InlineError, Loading, LoadError } from '../ui/states';
import { PRIORITY_LOOK, NOTIFICATION_TYPE_LABEL } from './labels';
import { NotificationRow } from './notification-row';
import type { NotificationListInput } from './types';
import { useDeleteNotification, useMarkAllRead, useMarkRead, useOpenNotification } from './use-notification-cache';

type Filter = Pick<NotificationListInput, 'type' | 'priority' | 'unreadOnly'>;

export function NotificationHistoryPage() {
  const [filter, setFilter] = useState<Filter>({});
  const stats = trpc.notifications.stats.useQuery();
  const markAllRead = useMarkAllRead();
  const unread = stats.data?.unreadCount ?? 0;

  return (
    <>
      <PageHeader
        title="Notifications"
        description={stats.data ? `${unread} unread of ${stats.data.totalCount}` : undefined}
        action={
          <Button variant="light" disabled={unread === 0} loading={markAllRead.isPending} onClick={() => markAllRead.mutate()}>
            Mark all read
          </Button>
        }
      />
      <InlineError error={markAllRead.error && errorMessage(markAllRead.error)} />
      <Group gap="sm" mb="md" align="flex-end">
        <FilterSelect
          label="Type"
          placeholder="Any type"
          options={NotificationType.options}
          labelOf={(type) => (stats.data ? `${NOTIFICATION_TYPE_LABEL[type]} (${stats.data.byType[type].total})` : NOTIFICATION_TYPE_LABEL[type])}
          value={filter.type}
          onChange={(type) => setFilter({ ...filter, type })}
          w={{ base: '100%', xs: 240 }}
        />
        <FilterSelect
          label="Priority"
          placeholder="Any priority"
          options={NotificationPriority.options}
          labelOf={(priority) => PRIORITY_LOOK[priority].label}
          value={filter.priority}
          onChange={(priority) => setFilter({ ...filter, priority })}
          w={{ base: '100%', xs: 180 }}
        />
        <Switch
          label="Unread only"
          checked={filter.unreadOnly ?? false}
          onChange={(event) => setFilter({ ...filter, unreadOnly: event.currentTarget.checked || undefined })}
          mb={8}
        />
      </Group>
      <NotificationHistory filter={filter} />
    </>
  );
}

function NotificationHistory({ filter }: { filter: Filter }) {
  const list = trpc.notifications.list.useInfiniteQuery({ limit: 20, ...filter }, { getNextPageParam: nextCursor });
  const markRead = useMarkRead();
  const open = useOpenNotification(markRead);
  const remove = useDeleteNotification();
  // Infinite scroll: the next page loads as the end of the list comes into view.
  const { ref: end, entry } = useIntersection({ rootMargin: '200px' });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (list.isPending) return <Loading label="Loading notifications…" />;
  if (list.error) return <LoadError error={list.error} onRetry={() => void list.refetch()} title="Could not load notifications" />;
  const items = list.data.pages.flatMap((page) => page.items);
  const filtered = Boolean(filter.type || filter.priority || filter.unreadOnly);
  if (items.length === 0) {
    return <Empty title={filtered ? 'No notifications match these filters' : 'No notifications yet'} description="They arrive here as your goals move." />;
  }

  const errorFor = (id: number) =>
    (markRead.error && markRead.variables?.id === id && errorMessage(markRead.error)) ||
    (remove.error && remove.variables?.id === id && errorMessage(remove.error)) ||
    null;

  return (
    <Paper withBorder>
      <Stack gap={0} data-testid="notification-history">
        {items.map((item) => (
          <Box key={item.id} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
            <NotificationRow
              item={item}
              detailed
              onOpen={() => open(item)}
              actions={
                <Group gap={4} wrap="nowrap">
                  {!item.readAt && (
                    <Button size="compact-xs" variant="subtle" onClick={() => markRead.mutate({ id: item.id })} aria-label={`Mark "${item.title}" as read`}>
                      Mark read
                    </Button>
                  )}
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    loading={remove.isPending && remove.variables?.id === item.id}
                    onClick={() => remove.mutate({ id: item.id })}
                    aria-label={`Delete "${item.title}"`}
                  >
                    Delete
                  </Button>
                </Group>
              }
            />
            <Box px="sm" pb={errorFor(item.id) ? 'xs' : 0}>
              <InlineError error={errorFor(item.id)} />
            </Box>
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
  );
}
