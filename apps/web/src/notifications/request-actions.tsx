import { Button, Group, Stack, Text } from '@mantine/core';
import { ACTIONS_NEEDING_A_REASON, isGoalAction, type GoalRequestAction, type LinkAction } from '@pms/shared';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import { ACTION_LABEL, resolutionText } from './labels';
import { ReasonForm } from './reason-form';
import type { NotificationItem } from './types';

/** The buttons of a request (approve, reject, accept, decline) or how it was decided, and the links another module offers. */
export function RequestActions({ item, onDone }: { item: NotificationItem; onDone?(): void }) {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity }).data?.id;
  if (item.resolution) {
    return (
      <Text size="sm" fw={500} c={item.resolution.outcome === 'APPROVED' || item.resolution.outcome === 'ACCEPTED' ? 'teal.8' : 'red.8'} data-testid="resolution">
        {resolutionText(item.resolution, me)}
      </Text>
    );
  }
  const goalActions = item.actions.filter(isGoalAction);
  const links = item.actions.filter((action): action is LinkAction => action.kind === 'link');
  if (goalActions.length === 0 && links.length === 0) return null;
  return (
    <>
      {goalActions.length > 0 && <OpenRequest actions={goalActions} onDone={onDone} />}
      {links.length > 0 && <LinkButtons links={links} onDone={onDone} />}
    </>
  );
}

/** A published notification's links: an in-app path opens here, an https URL in a new tab. */
function LinkButtons({ links, onDone }: { links: LinkAction[]; onDone?(): void }) {
  const [, navigate] = useLocation();
  return (
    <Group gap="xs">
      {links.map((link) =>
        link.url.startsWith('/') ? (
          <Button key={link.url} size="compact-sm" variant="light" onClick={() => (navigate(link.url), onDone?.())}>
            {link.label}
          </Button>
        ) : (
          <Button key={link.url} size="compact-sm" variant="light" component="a" href={link.url} target="_blank" rel="noopener noreferrer">
            {link.label}
          </Button>
        ),
      )}
    </Group>
  );
}

function OpenRequest({ actions, onDone }: { actions: GoalRequestAction[]; onDone?(): void }) {
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
  const [asking, setAsking] = useState<GoalRequestAction | null>(null);
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
        {actions.map((action) => {
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
