import { notifications as toasts } from '@mantine/notifications';
import { skipToken } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { trpc } from '../api/trpc';
import { useLiveError } from '../api/use-live-error';
import { showDesktopNotification } from './desktop';
import { PRIORITY_LOOK } from './labels';
import type { NotificationEvent, NotificationItem } from './types';
import { useMarkRead, useNotificationCache, useOpenNotification } from './use-notification-cache';

/**
 * The live notification stream of the signed-in user, for the whole session. tRPC's wsLink
 * resends the last event id when the socket comes back, so nothing is missed or doubled.
 */
export function NotificationsLive() {
  const utils = trpc.useUtils();
  const onError = useLiveError('Live notifications');
  const cache = useNotificationCache();
  const open = useOpenNotification(useMarkRead());
  // Each notification is announced once per tab, whatever happens to the socket.
  const announced = useRef(new Set<number>());

  const announce = (item: NotificationItem) => {
    if (item.readAt || announced.current.has(item.id)) return;
    announced.current.add(item.id);
    toasts.show({
      id: toastId(item.id),
      title: item.title,
      message: item.message,
      color: PRIORITY_LOOK[item.priority].color,
      autoClose: item.priority === 'URGENT' ? false : 8000,
      onClick: (event) => {
        if ((event.target as Element).closest('button')) return; // the close button only closes
        toasts.hide(toastId(item.id));
        open(item);
      },
      style: item.link ? { cursor: 'pointer' } : undefined,
      'data-testid': 'toast',
      'data-notification-id': item.id,
    });
    showDesktopNotification(item, () => open(item));
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
      for (const settled of settledBy(event, announced.current)) toasts.hide(toastId(settled));
    },
    onError,
  });
  return null;
}

const toastId = (notificationId: number) => `notification-${notificationId}`;

/** Notifications an event makes old news (read or deleted, here or elsewhere): their toasts go. */
function settledBy(event: NotificationEvent, announced: Iterable<number>): number[] {
  switch (event.kind) {
    case 'read':
      return event.ids;
    case 'deleted':
      return [event.id];
    case 'allRead':
      return [...announced];
    case 'resolved':
      return event.ids;
    case 'state':
      return 'readAt' in event.change || 'archivedAt' in event.change || 'snoozedUntil' in event.change ? event.ids : [];
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
