import { trpc } from '../api/trpc';

/**
 * After any change to a goal, every goal list and detail on screen refetches: server truth,
 * rather than guessing which lists the change affects. `then` runs right after (e.g. closing a dialog).
 */
export function useRefreshGoals(then?: () => void): () => void {
  const utils = trpc.useUtils();
  return () => {
    void utils.goals.invalidate();
    then?.();
  };
}
