import { trpc } from '../api/trpc';
import { useLiveError } from '../api/use-live-error';

/**
 * Changes to goals I own, created or decide on, live: every goal list and detail on screen
 * refetches, so pending approvals fill in as supervisees submit. Resumes like notifications.
 */
export function GoalsLive() {
  const utils = trpc.useUtils();
  const onError = useLiveError('Live goal updates');
  trpc.goals.onEvent.useSubscription(
    {},
    {
      onStarted: () => void utils.goals.invalidate(),
      onData: () => void utils.goals.invalidate(),
      onError,
    },
  );
  return null;
}
