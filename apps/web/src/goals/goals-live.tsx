import { notifications as toasts } from '@mantine/notifications';
import { useApi } from '../api/api-provider';
import { errorMessage, isUnauthorized } from '../api/errors';
import { trpc } from '../api/trpc';

/**
 * Changes to goals I own, created or decide on, live: every goal list and detail on screen
 * refetches, so pending approvals fill in as supervisees submit. Resumes like notifications.
 */
export function GoalsLive() {
  const utils = trpc.useUtils();
  const { restart } = useApi();
  trpc.goals.onEvent.useSubscription(
    {},
    {
      onStarted: () => void utils.goals.invalidate(),
      onData: () => void utils.goals.invalidate(),
      onError: (error) => {
        if (isUnauthorized(error)) return restart();
        toasts.show({ color: 'red', title: 'Live goal updates stopped', message: errorMessage(error), autoClose: false });
      },
    },
  );
  return null;
}
