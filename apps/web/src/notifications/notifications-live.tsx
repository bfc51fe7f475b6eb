import { Stack, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { skipToken } from '@tanstack/react-query';
import { useRef, useState, type MouseEvent } from 'react';
import { useLocation } from 'wouter';
import { trpc } from '../api/trpc';
import { useLiveError } from '../api/use-live-error';
import { showDesktopNotification } from './desktop';
import { PRIORITY_LOOK } from './labels';
import { RequestActions } from './request-actions';
import { ToastQueue } from './toast-queue';
import type { NotificationEvent, NotificationItem } from './types';
import { useNotificationCache, useOpenNotification, useSetRead } from './use-notification-cache';

/** Toasts of their own at once; the rest of a burst is counted by one summary toast. */
const MAX_TOASTS = 3;
/** Notifications arriving this close together are one burst, ordered by urgency before showing. */
const BURST_MS = 150;
const SUMMARY_ID = 'notification-summary';

/**
 * The live notification stream of the signed-in user, for the whole session. tRPC's wsLink
 * resends the last event id when the socket comes back, so nothing is missed or doubled.
 */
export function NotificationsLive() {
  const utils = trpc.useUtils();
  const onError = useLiveError('Live notifications');
  const cache = useNotificationCache();
  const open = useOpenNotification(useSetRead());
  const [, navigate] = useLocation();
  // Each notification is announced once per tab, whatever happens to the socket.
  const announced = useRef(new Set<number>());
  const [queue] = useState(() => new ToastQueue(MAX_TOASTS));
  const burst = useRef<NotificationItem[]>([]);
  const summaryOpen = useRef(false);

  const showToast = (item: NotificationItem) => {
    toasts.show({
      id: toastId(item.id),
      title: item.title,
      message: <ToastBody item={item} onDone={() => toasts.hide(toastId(item.id))} />,
      color: PRIORITY_LOOK[item.priority].color,
      // Requests wait for an answer; the rest go by themselves.
      autoClose: item.priority === 'URGENT' || item.actions.length > 0 ? false : 8000,
      onClick: (event) => {
        if ((event.target as Element).closest('button, form')) return; // its buttons and the close button do their own thing
        toasts.hide(toastId(item.id));
        open(item);
      },
      onClose: () => queue.closed(item.id),
      style: item.link ? { cursor: 'pointer' } : undefined,
      'data-testid': 'toast',
      'data-notification-id': item.id,
    });
    showDesktopNotification(item, () => open(item));
  };

  const updateSummary = (more: number) => {
    if (more === 0) {
      if (summaryOpen.current) toasts.hide(SUMMARY_ID);
      return;
    }
    const summary = {
      id: SUMMARY_ID,
      title: `${more} more notification${more === 1 ? '' : 's'}`,
      message: 'Open the inbox to see them all',
      autoClose: false as const,
      onClick: (event: MouseEvent<HTMLDivElement>) => {
        if ((event.target as Element).closest('button')) return;
        toasts.hide(SUMMARY_ID);
        navigate('/notifications');
      },
      onClose: () => {
        summaryOpen.current = false;
        queue.clearOverflow();
      },
      style: { cursor: 'pointer' },
      'data-testid': 'toast-summary',
    };
    if (summaryOpen.current) toasts.update(summary);
    else toasts.show(summary);
    summaryOpen.current = true;
  };

  const flush = () => {
    const batch = burst.current;
    burst.current = [];
    const byId = new Map(batch.map((item) => [item.id, item]));
    const change = queue.offer(batch);
    for (const id of change.hide) toasts.hide(toastId(id));
    for (const id of change.show) showToast(byId.get(id)!);
    updateSummary(change.more);
  };

  const announce = (item: NotificationItem, again = false) => {
    const waiting = !item.readAt && !item.resolvedAt && !item.archivedAt && !item.snoozedUntil;
    if (!waiting || (announced.current.has(item.id) && !again) || queue.has(item.id)) return;
    announced.current.add(item.id);
    if (burst.current.length === 0) setTimeout(flush, BURST_MS);
    burst.current.push(item);
  };

  // The stream starts where the first counts left off, so the badge misses nothing between
  // them; after a drop, tRPC's wsLink resumes from the last event it received.
  const startAt = useFirstValue(trpc.notifications.stats.useQuery().data?.lastEventId);
  trpc.notifications.onEvent.useSubscription(startAt === undefined ? skipToken : { lastEventId: startAt }, {
    // Lists loaded before that point may lack an event or two: refetch them (events are idempotent).
    onStarted: () => void utils.notifications.list.invalidate(),
    onData: ({ id, data: event }) => {
      cache.apply(event, id);
      if (event.kind === 'created') announce(event.notification);
      // A snoozed one returning is news again.
      if (event.kind === 'upserted') announce(event.notification, true);
      const settled = settledBy(event, announced.current);
      burst.current = burst.current.filter((item) => !settled.includes(item.id));
      for (const id of settled) toasts.hide(toastId(id));
      updateSummary(queue.settle(settled));
    },
    onError,
  });
  return null;
}

/** A toast's words, and a request's actions: deciding closes the toast. */
function ToastBody({ item, onDone }: { item: NotificationItem; onDone(): void }) {
  return (
    <Stack gap={6}>
      <Text size="sm" c="dimmed">
        {item.message}
      </Text>
      <RequestActions item={item} onDone={onDone} />
    </Stack>
  );
}

const toastId = (notificationId: number) => `notification-${notificationId}`;

/** Notifications an event makes old news (read, archived, snoozed, resolved or deleted, here or elsewhere): their toasts go. */
function settledBy(event: NotificationEvent, announced: Iterable<number>): number[] {
  switch (event.kind) {
    case 'read':
      return event.ids;
    case 'deleted':
      return event.ids;
    case 'allRead':
      return [...announced];
    case 'resolved':
      return event.ids;
    case 'state':
      return ('readAt' in event.change && event.change.readAt) || ('archivedAt' in event.change && event.change.archivedAt) || ('snoozedUntil' in event.change && event.change.snoozedUntil)
        ? event.ids
        : [];
    case 'created':
    case 'upserted':
      return [];
  }
}

/** The first defined value seen, kept for the component's life. */
function useFirstValue<T>(value: T | undefined): T | undefined {
  const [first, setFirst] = useState(value);
  if (first === undefined && value !== undefined) setFirst(value);
  return first ?? value;
}
