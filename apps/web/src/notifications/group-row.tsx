import { Box, Button, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { timeAgo } from '../ui/time';
import { decidedSummary, groupSummary, isUnread, openApprovals, quotedTitle, type NotificationGroup } from './groups';
import type { NotificationItem } from './types';
import { useSetRead } from './use-notification-cache';

/**
 * A group of notifications as one row: its summary, the newest time, a dot if any member is
 * unread, the group's actions, and a control that shows its members (`renderMember`: each as a
 * plain row, with its own actions).
 */
export function NotificationGroupRow({ group, renderMember }: { group: NotificationGroup; renderMember(item: NotificationItem): ReactNode }) {
  const [expanded, setExpanded] = useState(false);
  const unread = group.members.some(isUnread);
  const newest = group.members[0]!;
  const summary = groupSummary(group);
  const decided = decidedSummary(group);
  const count = group.members.length;
  const toggle = () => setExpanded((open) => !open);

  return (
    <Box data-testid="notification-group" data-group-key={group.groupKey} data-count={count} data-read={unread ? 'false' : 'true'}>
      <Group wrap="nowrap" align="flex-start" gap="sm" px="sm" py="xs" bg={unread ? 'indigo.0' : undefined}>
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
            <Box key={member.id} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
              {renderMember(member)}
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}

interface ApproveAllOutcome {
  total: number;
  approved: number;
  failed: Array<{ title: string; message: string }>;
  running: boolean;
}

function GroupActions({ group, expanded, onToggle }: { group: NotificationGroup; expanded: boolean; onToggle(): void }) {
  const setRead = useSetRead();
  const unreadIds = group.members.filter(isUnread).map((member) => member.id);
  const open = openApprovals(group);
  const approveAll = useApproveAll();
  const outcome = approveAll.outcome;

  return (
    <Stack gap={4}>
      <Group gap={4}>
        {open.length > 0 && (
          <Button size="compact-sm" color="teal" loading={outcome?.running} onClick={() => void approveAll.run(open)}>
            {`Approve all ${open.length}`}
          </Button>
        )}
        {unreadIds.length > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setRead.mutate({ ids: unreadIds, read: true })}>
            Mark all read
          </Button>
        )}
        <Button size="compact-xs" variant="subtle" color="gray" onClick={onToggle} aria-expanded={expanded}>
          {expanded ? 'Hide' : `Show ${group.members.length}`}
        </Button>
      </Group>
      {outcome && (
        <Text size="sm" fw={500} c={outcome.failed.length ? 'orange.8' : 'teal.8'} role="status" data-testid="approve-all-outcome">
          {outcome.running ? `Approving… ${outcome.approved + outcome.failed.length} of ${outcome.total}` : `Approved ${outcome.approved} of ${outcome.total}.`}
        </Text>
      )}
      {outcome?.failed.map((failure, index) => <InlineError key={index} error={`Not approved: "${failure.title}": ${failure.message}`} />)}
      <InlineError error={setRead.error && errorMessage(setRead.error)} />
    </Stack>
  );
}

/**
 * Approves the open requests one after another (each is its own decision on the server) and
 * counts what succeeded, naming each failure with the server's message. The notifications
 * themselves are resolved by the server's `resolved` events.
 */
function useApproveAll() {
  const utils = trpc.useUtils();
  const approve = trpc.goals.approve.useMutation();
  const [outcome, setOutcome] = useState<ApproveAllOutcome | null>(null);

  const run = async (members: NotificationItem[]) => {
    const progress: ApproveAllOutcome = { total: members.length, approved: 0, failed: [], running: true };
    setOutcome({ ...progress });
    for (const member of members) {
      const goalId = member.actions.find((action) => action.kind === 'approve')!.goalId;
      try {
        await approve.mutateAsync({ id: goalId });
        progress.approved += 1;
      } catch (error) {
        progress.failed = [...progress.failed, { title: quotedTitle(member.message) ?? member.title, message: errorMessage(error) }];
      }
      setOutcome({ ...progress });
    }
    setOutcome({ ...progress, running: false });
    void utils.goals.invalidate();
  };
  return { outcome, run };
}
