import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useMemo } from 'react';
import { useLocation } from 'wouter';
import { trpc } from '../api/trpc';
import { applyEventToPages, applyEventToStats, knownNotifications, type Pages } from './cache';
import type { NotificationEvent, NotificationItem, NotificationListInput, NotificationStats } from './types';

interface Snapshot {
  stats: NotificationStats | undefined;
  lists: Array<[QueryKey, Pages | undefined]>;
}

/** Applies notification events to this tab's cached stats and lists (see cache.ts). */
export function useNotificationCache() {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();

  return useMemo(() => {
    const listKey = getQueryKey(trpc.notifications.list);
    const lists = () => queryClient.getQueriesData<Pages>({ queryKey: listKey });
    const filterOf = (key: QueryKey) => ((key[1] as { input?: Partial<NotificationListInput> } | undefined)?.input ?? {});

    return {
      /** `eventId`: the stream position of a live event; absent for local (optimistic) ones. */
      apply(event: NotificationEvent, eventId?: string) {
        const cached = lists();
        const known = knownNotifications(cached.map(([, data]) => data));
        const stats = utils.notifications.stats.getData();
        if (stats) {
          const update = applyEventToStats(stats, event, known, eventId);
          utils.notifications.stats.setData(undefined, update.stats);
          if (!update.exact) void utils.notifications.stats.invalidate();
        }
        const now = new Date();
        for (const [key, data] of cached) {
          if (data) queryClient.setQueryData<Pages>(key, applyEventToPages(data, event, filterOf(key), now));
        }
      },
      /** The counts from the server, after a local guess. */
      refreshCounts: () => utils.notifications.stats.invalidate(),
      async snapshot(): Promise<Snapshot> {
        await Promise.all([utils.notifications.stats.cancel(), queryClient.cancelQueries({ queryKey: listKey })]);
        return { stats: utils.notifications.stats.getData(), lists: lists() };
      },
      restore(snapshot: Snapshot) {
        utils.notifications.stats.setData(undefined, snapshot.stats);
        for (const [key, data] of snapshot.lists) queryClient.setQueryData(key, data);
      },
    };
  }, [queryClient, utils]);
}

type NotificationCache = ReturnType<typeof useNotificationCache>;

/**
 * Mutation options for an action that is cheap to undo, so it shows at once: the same event
 * the server will echo is applied locally first, and rolled back if the server refuses (the
 * caller shows the error beside the item).
 */
function optimistic<Input>(cache: NotificationCache, eventOf: (input: Input) => NotificationEvent) {
  return {
    onMutate: async (input: Input) => {
      const before = await cache.snapshot();
      cache.apply(eventOf(input));
      return before;
    },
    onError: (_error: unknown, _input: Input, before: Snapshot | undefined) => {
      if (before) cache.restore(before);
    },
    onSettled: () => void cache.refreshCounts(),
  };
}

export function useMarkRead() {
  const cache = useNotificationCache();
  // The server coerces ids, so the input type says unknown; callers pass numbers.
  return trpc.notifications.markRead.useMutation(optimistic(cache, ({ id }: { id: unknown }) => ({ kind: 'read', ids: [Number(id)] })));
}

export function useMarkAllRead() {
  const cache = useNotificationCache();
  return trpc.notifications.markAllRead.useMutation(optimistic(cache, () => ({ kind: 'allRead' })));
}

/** Deleting is not undoable: the item goes once the server has deleted it. */
export function useDeleteNotification() {
  const cache = useNotificationCache();
  return trpc.notifications.delete.useMutation({
    onSuccess: ({ id }) => {
      cache.apply({ kind: 'deleted', id });
      void cache.refreshCounts();
    },
  });
}

/**
 * Opening a notification reads it and goes to what it is about (its goal). `markRead` is the
 * caller's, so that a failure shows where the caller shows that mutation's errors.
 */
export function useOpenNotification(markRead: ReturnType<typeof useMarkRead>) {
  const [, navigate] = useLocation();
  return (item: NotificationItem) => {
    if (!item.readAt) markRead.mutate({ id: item.id });
    if (item.link) navigate(item.link);
  };
}
