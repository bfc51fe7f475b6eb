import { Badge, Box, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import type { MouseEvent, ReactNode } from 'react';
import { timeAgo } from '../ui/time';
import { notificationHref } from './deep-link';
import { PRIORITY_LOOK } from './labels';
import { useTypeLabel } from './notification-types';
import type { NotificationItem } from './types';

/**
 * One notification: an unread dot, its words and age (clicking them opens what it is about),
 * and under them `children`: the request's actions or outcome, and the controls.
 */
export function NotificationRow({
  item,
  onOpen,
  children,
  detailed = false,
  select,
}: {
  item: NotificationItem;
  onOpen(): void;
  children?: ReactNode;
  detailed?: boolean;
  /** A checkbox that selects it for a bulk action (the history list). */
  select?: ReactNode;
}) {
  const typeLabel = useTypeLabel();
  // A decided request no longer waits for anyone: it stays listed, but not as unread.
  const unread = !item.readAt && !item.resolvedAt;
  const href = notificationHref(item);
  return (
    <Group
      wrap="nowrap"
      align="flex-start"
      gap="sm"
      px="sm"
      py="xs"
      bg={unread ? 'var(--mantine-color-indigo-light)' : undefined}
      data-testid="notification-row"
      data-notification-id={item.id}
      data-read={unread ? 'false' : 'true'}
      data-resolved={item.resolvedAt ? 'true' : 'false'}
    >
      {select}
      <Box w={8} h={8} mt={7} style={{ borderRadius: 4, flexShrink: 0 }} bg={unread ? 'indigo.6' : 'transparent'} aria-hidden />
      <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
        <UnstyledButton
          // A link when it leads somewhere, so that it also opens in a new tab (and reads it there).
          {...(href ? { component: 'a' as const, href } : {})}
          onClick={(event: MouseEvent) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // the browser's new tab or window
            event.preventDefault();
            onOpen();
          }}
          aria-label={`${unread ? 'Unread: ' : ''}${item.title}. ${item.message}`}
        >
          <Stack gap={2}>
            <Text size="sm" fw={unread ? 600 : 400}>
              {item.title}
            </Text>
            <Text size="sm" c="dimmed" lineClamp={detailed ? undefined : 2} style={{ overflowWrap: 'anywhere' }}>
              {item.message}
            </Text>
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                <time dateTime={item.createdAt.toISOString()}>{timeAgo(item.createdAt)}</time>
              </Text>
              {detailed && (
                <>
                  <Badge size="xs" variant="light" color="gray">
                    {typeLabel(item.type)}
                  </Badge>
                  <Badge size="xs" variant="light" color={PRIORITY_LOOK[item.priority].color}>
                    {PRIORITY_LOOK[item.priority].label}
                  </Badge>
                  {item.archivedAt && (
                    <Badge size="xs" variant="outline" color="gray">
                      Archived
                    </Badge>
                  )}
                </>
              )}
            </Group>
          </Stack>
        </UnstyledButton>
        {children}
      </Stack>
    </Group>
  );
}
