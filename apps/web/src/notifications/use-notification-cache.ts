import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useLocation } from 'wouter';
import { trpc } from '../api/trpc';
import { applyEventToPages, applyEventToStats, knownNotifications, type ListFilter, type Pages } from './cache';
import type { NotificationEvent, NotificationItem, NotificationStats } from './types';

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
    const filterOf = (key: QueryKey) => ((key[1] as { input?: ListFilter } | undefined)?.input ?? {});

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

/** Read or unread again; `markRead` of one id is the same as `{ ids: [id], read: true }`. */
export function useSetRead() {
  const cache = useNotificationCache();
  return trpc.notifications.setRead.useMutation(
    // By ids only: what a filter takes is the server's to say (its events follow).
    optimistic(cache, ({ ids = [], read }: { ids?: number[]; read: boolean }) => ({ kind: 'state', ids, change: { readAt: read ? new Date() : null } })),
  );
}

/** The notifications the person has now seen (the bell shows them): off the badge. */
export function useMarkSeen() {
  const cache = useNotificationCache();
  return trpc.notifications.markSeen.useMutation(optimistic(cache, ({ ids }: { ids: number[] }) => ({ kind: 'state', ids, change: { seenAt: new Date() } })));
}

export function useSetArchived() {
  const cache = useNotificationCache();
  return trpc.notifications.setArchived.useMutation(
    optimistic(cache, ({ ids = [], archived }: { ids?: number[]; archived: boolean }) => ({
      kind: 'state',
      ids,
      change: { archivedAt: archived ? new Date() : null },
    })),
  );
}

/** Snoozing hides it from the inbox until `until`; the server brings it back (an `upserted` event). */
export function useSnooze() {
  const cache = useNotificationCache();
  return trpc.notifications.snooze.useMutation(
    optimistic(cache, ({ id, until }: { id: number; until: Date }) => ({ kind: 'state', ids: [id], change: { snoozedUntil: until } })),
  );
}

export function useUnsnooze() {
  const cache = useNotificationCache();
  const utils = trpc.useUtils();
  return trpc.notifications.unsnooze.useMutation({
    ...optimistic(cache, ({ id }: { id: number }) => ({ kind: 'state', ids: [id], change: { snoozedUntil: null } })),
    // Back in the inbox, it belongs in lists this tab never had it in: read them again.
    onSuccess: () => void utils.notifications.list.invalidate(),
  });
}

/** Archives every read notification of the inbox; how many is only known to the server, so the lists are read again. */
export function useArchiveAllRead() {
  const utils = trpc.useUtils();
  return trpc.notifications.archiveAllRead.useMutation({
    onSuccess: () => void Promise.all([utils.notifications.list.invalidate(), utils.notifications.stats.invalidate()]),
  });
}

export function useMarkAllRead() {
  const cache = useNotificationCache();
  return trpc.notifications.markAllRead.useMutation(optimistic(cache, () => ({ kind: 'allRead' })));
}

/**
 * Opening a notification reads it and goes to what it is about (its goal). `setRead` is the
 * caller's, so that a failure shows where the caller shows that mutation's errors.
 */
export function useOpenNotification(setRead: ReturnType<typeof useSetRead>) {
  const [, navigate] = useLocation();
  return (item: NotificationItem) => {
    // Read is seen as well (the server sets both): off the badge.
    if (!item.readAt && !item.resolvedAt) setRead.mutate({ ids: [item.id], read: true });
    if (item.link) navigate(item.link);
  };
}

/** Marks the shown notifications of the inbox seen, each once, as they appear on screen. */
export function useMarkShownSeen(shown: readonly NotificationItem[]) {
  const markSeen = useMarkSeen();
  const asked = useRef(new Set<number>());
  // Seen for sure now: forgotten, so that if it comes back as new (from a snooze) it is marked again.
  for (const item of shown) if (item.seenAt) asked.current.delete(item.id);
  const unseen = shown.filter((item) => !item.seenAt && !item.resolvedAt && !item.archivedAt && !item.snoozedUntil && !asked.current.has(item.id));
  const ids = unseen.map((item) => item.id).join(',');
  const { mutate } = markSeen;
  useEffect(() => {
    if (!ids) return;
    const list = ids.split(',').map(Number);
    for (const id of list) asked.current.add(id);
    mutate({ ids: list });
  }, [ids, mutate]);
}
