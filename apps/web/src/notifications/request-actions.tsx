import { Button, Group, Stack, Text } from '@mantine/core';
import { ACTIONS_NEEDING_A_REASON, type NotificationAction } from '@pms/shared';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { ACTION_LABEL, resolutionText } from './labels';
import { ReasonForm } from './reason-form';
import type { NotificationItem } from './types';

/** The buttons of a request (approve, reject, accept, decline), or how it was decided. */
export function RequestActions({ item, onDone }: { item: NotificationItem; onDone?(): void }) {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity }).data?.id;
  if (item.resolution) {
    return (
      <Text size="sm" fw={500} c={item.resolution.outcome === 'APPROVED' || item.resolution.outcome === 'ACCEPTED' ? 'teal.8' : 'red.8'} data-testid="resolution">
        {resolutionText(item.resolution, me)}
      </Text>
    );
  }
  if (item.actions.length === 0) return null;
  return <OpenRequest item={item} onDone={onDone} />;
}

function OpenRequest({ item, onDone }: { item: NotificationItem; onDone?(): void }) {
  const utils = trpc.useUtils();
  // The notification itself is resolved by the server's `resolved` event; goal lists refetch.
  const onSuccess = () => {
    void utils.goals.invalidate();
    onDone?.();
  };
  const mutations = {
    approve: trpc.goals.approve.useMutation({ onSuccess }),
    accept: trpc.goals.accept.useMutation({ onSuccess }),
    reject: trpc.goals.reject.useMutation({ onSuccess }),
    decline: trpc.goals.decline.useMutation({ onSuccess }),
  };
  const [asking, setAsking] = useState<NotificationAction | null>(null);
  const failed = Object.values(mutations).find((mutation) => mutation.error)?.error;
  const pending = Object.values(mutations).some((mutation) => mutation.isPending);

  if (asking) {
    const mutation = mutations[asking.kind];
    return (
      <ReasonForm
        question={`Why ${asking.kind === 'reject' ? 'reject' : 'decline'}?`}
        submitLabel={`${ACTION_LABEL[asking.kind]} goal`}
        pending={mutation.isPending}
        error={mutation.error && errorMessage(mutation.error)}
        onSubmit={(reason) => mutation.mutate({ id: asking.goalId, reason })}
        onBack={() => {
          mutation.reset();
          setAsking(null);
        }}
      />
    );
  }

  return (
    <Stack gap={4}>
      <Group gap="xs">
        {item.actions.map((action) => {
          const needsReason = ACTIONS_NEEDING_A_REASON.includes(action.kind);
          const mutation = mutations[action.kind];
          return (
            <Button
              key={action.kind}
              size="compact-sm"
              color={needsReason ? 'red' : 'teal'}
              variant={needsReason ? 'light' : 'filled'}
              disabled={pending && !mutation.isPending}
              loading={mutation.isPending}
              onClick={() => {
                if (needsReason) setAsking(action);
                else (mutation as typeof mutations.approve).mutate({ id: action.goalId });
              }}
            >
              {ACTION_LABEL[action.kind]}
            </Button>
          );
        })}
      </Group>
      <InlineError error={failed && errorMessage(failed)} />
    </Stack>
  );
}
