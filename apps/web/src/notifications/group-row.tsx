import { Box, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { timeAgo } from '../ui/time';
import { GroupActions } from './group-actions';
import { decidedSummary, groupSummary, isUnread, type NotificationGroup } from './groups';
import { useTypeLabel } from './notification-types';
import type { NotificationItem } from './types';

/**
 * A group of notifications as one row: its summary, the newest time, a dot if any member is
 * unread, the group's actions, and a control that shows its members (`renderMember`: each as a
 * plain row, with its own actions).
 */
export function NotificationGroupRow({ group, renderMember }: { group: NotificationGroup; renderMember(item: NotificationItem): ReactNode }) {
  const [expanded, setExpanded] = useState(false);
  const unread = group.members.some(isUnread);
  const newest = group.members[0]!;
  const summary = groupSummary(group, useTypeLabel());
  const decided = decidedSummary(group);
  const count = group.members.length;
  const toggle = () => setExpanded((open) => !open);

  return (
    <Box data-testid="notification-group" data-group-key={group.groupKey} data-count={count} data-read={unread ? 'false' : 'true'}>
      <Group wrap="nowrap" align="flex-start" gap="sm" px="sm" py="xs" bg={unread ? 'var(--mantine-color-indigo-light)' : undefined}>
        <Box w={8} h={8} mt={7} style={{ borderRadius: 4, flexShrink: 0 }} bg={unread ? 'indigo.6' : 'transparent'} aria-hidden />
        <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
          <UnstyledButton onClick={toggle} aria-expanded={expanded} aria-label={`${unread ? 'Unread: ' : ''}${summary}. ${expanded ? 'Hide' : 'Show'} the ${count}.`}>
            <Stack gap={2}>
              <Text size="sm" fw={unread ? 600 : 400} style={{ overflowWrap: 'anywhere' }}>
                {summary}
              </Text>
              <Text size="xs" c="dimmed">
                <time dateTime={newest.createdAt.toISOString()}>{timeAgo(newest.createdAt)}</time>
                {` · ${count} notifications`}
                {decided && ` · ${decided}`}
              </Text>
            </Stack>
          </UnstyledButton>
          <GroupActions group={group} expanded={expanded} onToggle={toggle} />
        </Stack>
      </Group>
      {expanded && (
        <Box ml="lg" style={{ borderLeft: '2px solid var(--mantine-color-gray-3)' }} data-testid="group-members">
          {group.members.map((member) => (
            <Box key={member.id} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              {renderMember(member)}
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}
