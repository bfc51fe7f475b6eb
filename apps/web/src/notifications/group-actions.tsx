import { Button, Group, Stack, Text } from '@mantine/core';
import { isGoalAction } from '@pms/shared';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { isUnread, openApprovals, quotedTitle, type NotificationGroup } from './groups';
import { ReasonForm } from './reason-form';
import type { NotificationItem } from './types';
import { useSetArchived, useSetRead } from './use-notification-cache';

type Decision = 'approve' | 'reject';

const DONE: Record<Decision, { verb: string; doing: string }> = {
  approve: { verb: 'Approved', doing: 'Approving' },
  reject: { verb: 'Rejected', doing: 'Rejecting' },
};

/**
 * A group's actions: approve or reject every open request (one reason for all, asked in place),
 * mark all read, archive all, and show or hide the members.
 */
export function GroupActions({ group, expanded, onToggle }: { group: NotificationGroup; expanded: boolean; onToggle(): void }) {
  const setRead = useSetRead();
  const setArchived = useSetArchived();
  const unreadIds = group.members.filter(isUnread).map((member) => member.id);
  const inInbox = group.members.filter((member) => !member.archivedAt).map((member) => member.id);
  const open = openApprovals(group);
  const decideAll = useDecideAll();
  const [askingReason, setAskingReason] = useState(false);
  const { outcome } = decideAll;
  const failed = [setRead, setArchived].find((mutation) => mutation.error)?.error;

  if (askingReason) {
    return (
      <ReasonForm
        question={`Why reject all ${open.length}?`}
        submitLabel={`Reject ${open.length} goals`}
        pending={false}
        onSubmit={(reason) => {
          setAskingReason(false);
          void decideAll.run('reject', open, reason);
        }}
        onBack={() => setAskingReason(false)}
      />
    );
  }

  return (
    <Stack gap={4}>
      <Group gap={4}>
        {open.length > 0 && (
          <>
            <Button size="compact-sm" color="teal" loading={outcome?.running} onClick={() => void decideAll.run('approve', open)}>
              {`Approve all ${open.length}`}
            </Button>
            <Button size="compact-sm" color="red" variant="light" disabled={outcome?.running} onClick={() => setAskingReason(true)}>
              {`Reject all ${open.length}`}
            </Button>
          </>
        )}
        {unreadIds.length > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setRead.mutate({ ids: unreadIds, read: true })}>
            Mark all read
          </Button>
        )}
        {inInbox.length > 0 && (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setArchived.mutate({ ids: inInbox, archived: true })}>
            Archive all
          </Button>
        )}
        <Button size="compact-xs" variant="subtle" color="gray" onClick={onToggle} aria-expanded={expanded}>
          {expanded ? 'Hide' : `Show ${group.members.length}`}
        </Button>
      </Group>
      <DecideAllStatus outcome={outcome} />
      <InlineError error={failed && errorMessage(failed)} />
    </Stack>
  );
}

/** How far deciding all has got, and each request it could not decide, with the server's reason. */
export function DecideAllStatus({ outcome }: { outcome: DecideAllOutcome | null }) {
  if (!outcome) return null;
  const { verb, doing } = DONE[outcome.decision];
  return (
    <>
      <Text size="sm" fw={500} c={outcome.failed.length ? 'orange.8' : 'teal.8'} role="status" data-testid="group-outcome">
        {outcome.running ? `${doing}… ${outcome.done + outcome.failed.length} of ${outcome.total}` : `${verb} ${outcome.done} of ${outcome.total}.`}
      </Text>
      {outcome.failed.map((failure, index) => (
        <InlineError key={index} error={`Not ${verb.toLowerCase()}: "${failure.title}": ${failure.message}`} />
      ))}
    </>
  );
}

interface DecideAllOutcome {
  decision: Decision;
  total: number;
  done: number;
  failed: Array<{ title: string; message: string }>;
  running: boolean;
}

/**
 * Decides the open requests one after another (each is its own decision on the server, with its
 * rules) and counts what succeeded, naming each failure with the server's message. The
 * notifications themselves are resolved by the server's `resolved` events.
 */
export function useDecideAll() {
  const utils = trpc.useUtils();
  const approve = trpc.goals.approve.useMutation();
  const reject = trpc.goals.reject.useMutation();
  const [outcome, setOutcome] = useState<DecideAllOutcome | null>(null);

  const run = async (decision: Decision, members: NotificationItem[], reason = '') => {
    const progress: DecideAllOutcome = { decision, total: members.length, done: 0, failed: [], running: true };
    setOutcome({ ...progress });
    for (const member of members) {
      const goalId = member.actions.filter(isGoalAction).find((action) => action.kind === decision)!.goalId;
      try {
        await (decision === 'approve' ? approve.mutateAsync({ id: goalId }) : reject.mutateAsync({ id: goalId, reason }));
        progress.done += 1;
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
