import { ActionIcon, Anchor, Box, Button, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../api/errors';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { BellIcon } from '../ui/icons';
import { Empty, InlineError, Loading, LoadError } from '../ui/states';
import { NotificationRow } from './notification-row';
import type { NotificationItem } from './types';
import { useMarkAllRead, useMarkRead, useOpenNotification } from './use-notification-cache';

const LATEST = { limit: 8 };

/** The header's bell: unread badge and a dropdown of the latest notifications. */
export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const stats = trpc.notifications.stats.useQuery();
  const unread = stats.data?.unreadCount ?? 0;

  return (
    <Indicator label={unread > 99 ? '99+' : unread} disabled={unread === 0} size={18} offset={6} color="red" inline>
      {/* The dropdown is a dialog labelled by this button (Mantine wires aria-labelledby and aria-expanded). */}
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" trapFocus returnFocus withinPortal>
        <Popover.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
            onClick={() => setOpened((open) => !open)}
            data-testid="bell"
            data-unread={stats.data ? unread : undefined}
          >
            <BellIcon />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown p={0} maw="calc(100vw - 16px)" data-testid="bell-dropdown">
          <LatestNotifications unread={unread} onNavigate={() => setOpened(false)} />
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}

function LatestNotifications({ unread, onNavigate }: { unread: number; onNavigate(): void }) {
  const latest = trpc.notifications.list.useInfiniteQuery(LATEST, { getNextPageParam: nextCursor });
  const markRead = useMarkRead();
  const markAllRead = useMarkAllRead();
  const openNotification = useOpenNotification(markRead);
  const items = latest.data?.pages[0]?.items ?? [];

  const open = (item: NotificationItem) => {
    openNotification(item);
    if (item.link) onNavigate();
  };

  return (
    <Stack gap={0}>
      <Group justify="space-between" px="sm" py="xs">
        <Text fw={600}>Notifications</Text>
        <Button size="compact-sm" variant="subtle" disabled={unread === 0} loading={markAllRead.isPending} onClick={() => markAllRead.mutate()}>
          Mark all read
        </Button>
      </Group>
      {markAllRead.error && (
        <Box px="sm" pb="xs">
          <InlineError error={errorMessage(markAllRead.error)} />
        </Box>
      )}
      <Divider />
      {latest.isPending ? (
        <Loading label="Loading notifications…" />
      ) : latest.error ? (
        <Stack p="sm">
          <LoadError error={latest.error} onRetry={() => void latest.refetch()} />
        </Stack>
      ) : items.length === 0 ? (
        <Empty title="You are all caught up" description="New notifications appear here as they happen." />
      ) : (
        <ScrollArea.Autosize mah={420} type="auto">
          {items.map((item) => (
            <div key={item.id}>
              <NotificationRow
                item={item}
                onOpen={() => open(item)}
                actions={
                  !item.readAt && (
                    <Button size="compact-xs" variant="subtle" onClick={() => markRead.mutate({ id: item.id })} aria-label={`Mark "${item.title}" as read`}>
                      Mark read
                    </Button>
                  )
                }
              />
              {markRead.error && markRead.variables?.id === item.id && (
                <Box px="sm" pb="xs">
                  <InlineError error={errorMessage(markRead.error)} />
                </Box>
              )}
            </div>
          ))}
        </ScrollArea.Autosize>
      )}
      <Divider />
      <Anchor component={Link} href="/notifications" onClick={onNavigate} ta="center" size="sm" py="xs">
        View all notifications
      </Anchor>
    </Stack>
  );
}
