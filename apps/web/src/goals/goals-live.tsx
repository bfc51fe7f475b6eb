import { trpc } from '../api/trpc';
import { useLiveError } from '../api/use-live-error';
import { useRefreshGoals } from './use-refresh-goals';

/**
 * Changes to goals I own, created or decide on, live: every goal list and detail on screen
 * refetches, so pending approvals fill in as supervisees submit. Resumes like notifications.
 */
export function GoalsLive() {
  const refresh = useRefreshGoals();
  const onError = useLiveError('Live goal updates');
  trpc.goals.onEvent.useSubscription(
    {},
    {
      onStarted: refresh,
      onData: refresh,
      onError,
    },
  );
  return null;
}
