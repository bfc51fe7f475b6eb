import { ActionIcon, Anchor, Box, Button, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../api/errors';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { BellIcon } from '../ui/icons';
import { Empty, InlineError, Loading, LoadError } from '../ui/states';
import { NotificationGroupRow } from './group-row';
import { groupId, groupNotifications } from './groups';
import { NotificationRow } from './notification-row';
import type { NotificationItem } from './types';
import { ItemControls } from './item-controls';
import { RequestActions } from './request-actions';
import { useMarkAllRead, useMarkShownSeen, useOpenNotification, useSetRead } from './use-notification-cache';

/** The latest rows shown: a group counts as one row, and is loaded whole (up to MAX_LOADED notifications). */
const LATEST_ROWS = 8;
const PAGE = { limit: 25 };
const MAX_LOADED = 200;

/** The header's bell: a badge of what is new (unseen) and a dropdown of the latest of the inbox. */
export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const stats = trpc.notifications.stats.useQuery();
  const unseen = stats.data?.unseenCount ?? 0;
  const unread = stats.data?.unreadCount ?? 0;

  return (
    <Indicator label={unseen > 99 ? '99+' : unseen} disabled={unseen === 0} size={18} offset={6} color="red" inline>
      {/* The dropdown is a dialog labelled by this button (Mantine wires aria-labelledby and aria-expanded). */}
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={400} shadow="md" trapFocus returnFocus withinPortal>
        <Popover.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={unseen ? `Notifications, ${unseen} new` : 'Notifications'}
            onClick={() => setOpened((open) => !open)}
            data-testid="bell"
            // The badge's number (what is new), read by the browser tests.
            data-unread={stats.data ? unseen : undefined}
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
  const latest = trpc.notifications.list.useInfiniteQuery(PAGE, { getNextPageParam: nextCursor });
  const setRead = useSetRead();
  const markAllRead = useMarkAllRead();
  const openNotification = useOpenNotification(setRead);
  const loaded = latest.data?.pages.flatMap((page) => page.items) ?? [];
  const entries = groupNotifications(loaded);
  // The last row may go on past what is loaded (25 submissions in a row are one group): load on.
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = latest;
  const partial = entries.length <= LATEST_ROWS && hasNextPage && loaded.length < MAX_LOADED && !isFetchNextPageError;
  // Each attempt's end is a render of its own: one cancelled by an optimistic update (marking the shown seen) is made again.
  const [attempts, setAttempts] = useState(0);
  useEffect(() => {
    if (partial && !isFetchingNextPage) void fetchNextPage().finally(() => setAttempts((count) => count + 1));
  }, [partial, isFetchingNextPage, fetchNextPage, attempts]);
  const shown = entries.slice(0, LATEST_ROWS);
  const items = shown.flatMap((entry) => (entry.kind === 'item' ? [entry.item] : entry.group.members));
  // Shown in the open dropdown is seen: off the badge (also those arriving while it is open).
  useMarkShownSeen(items);

  const open = (item: NotificationItem) => {
    openNotification(item);
    if (item.link) onNavigate();
  };
  const row = (item: NotificationItem) => (
    <NotificationRow item={item} onOpen={() => open(item)}>
      <RequestActions item={item} />
      <ItemControls item={item} />
    </NotificationRow>
  );

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
        <ScrollArea.Autosize mah={460} type="auto">
          {shown.map((entry) => (
            <Box key={entry.kind === 'item' ? entry.item.id : groupId(entry.group)} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
              {entry.kind === 'item' ? row(entry.item) : <NotificationGroupRow group={entry.group} renderMember={row} />}
            </Box>
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
