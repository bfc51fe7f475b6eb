import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc } from '../api/trpc';
import { useLiveError } from '../api/use-live-error';
import { applyGoalToDetail, applyGoalToPages, belongsTo, type ListInput, type Me, type Page } from './cache';
import type { GoalEvent, GoalWithHistory } from './types';
import { useRefreshGoals } from './use-refresh-goals';

/** A cached goals query: `[['goals', procedure], { input, type }]` (tRPC's query keys). */
type GoalsKey = [[string, string], { input?: ListInput & { id?: number }; type?: 'query' | 'infinite' }?];

/**
 * Changes to goals I own, created or decide on, live: each event carries the goal as the server
 * built it for me, and is applied to the cached lists and detail that hold it or should (cache.ts),
 * so pending approvals fill in as supervisees submit, with no refetch. When the stream (re)starts,
 * what changed meanwhile is unknown: every goal query is read again then.
 */
export function GoalsLive({ user }: { user: Me }) {
  const refresh = useRefreshGoals();
  const apply = useApplyGoalEvent(user);
  const onError = useLiveError('Live goal updates');
  trpc.goals.onEvent.useSubscription({}, { onStarted: refresh, onData: ({ data }) => apply(data), onError });
  return null;
}

function useApplyGoalEvent(me: Me) {
  const queryClient = useQueryClient();
  return ({ goal }: GoalEvent) => {
    for (const [key, data] of queryClient.getQueriesData({ queryKey: getQueryKey(trpc.goals) })) {
      if (data === undefined) continue;
      const [[, procedure], { input = {}, type } = {}] = key as GoalsKey;
      if (procedure === 'byId') {
        const { detail, stale } = applyGoalToDetail(data as GoalWithHistory, goal);
        if (detail === data) continue;
        queryClient.setQueryData(key, detail);
        // Its history gained an entry the event does not carry.
        if (stale) void queryClient.invalidateQueries({ queryKey: key, exact: true });
        continue;
      }
      const belongs = belongsTo(procedure, input, goal, me);
      if (belongs === undefined) {
        void queryClient.invalidateQueries({ queryKey: key as QueryKey, exact: true });
        continue;
      }
      if (type === 'infinite') {
        const infinite = data as { pages: Page[]; pageParams: unknown[] };
        const pages = applyGoalToPages(infinite.pages, goal, belongs);
        if (pages !== infinite.pages) queryClient.setQueryData(key, { ...infinite, pages });
      } else {
        const [page] = applyGoalToPages([data as Page], goal, belongs);
        if (page !== data) queryClient.setQueryData(key, page);
      }
    }
  };
}
