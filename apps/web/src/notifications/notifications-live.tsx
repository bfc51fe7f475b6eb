import { notifications as toasts } from '@mantine/notifications';
import { useRef } from 'react';
import { useLocation } from 'wouter';
import { useApi } from '../api/api-provider';
import { errorMessage, isUnauthorized } from '../api/errors';
import { trpc } from '../api/trpc';
import { showDesktopNotification } from './desktop';
import { PRIORITY_LOOK } from './labels';
import type { NotificationItem } from './types';
import { useMarkRead, useNotificationCache } from './use-notification-cache';

/**
 * The live notification stream of the signed-in user, for the whole session. tRPC's wsLink
 * resends the last event id when the socket comes back, so nothing is missed or doubled.
 */
export function NotificationsLive() {
  const utils = trpc.useUtils();
  const { restart } = useApi();
  const cache = useNotificationCache();
  const markRead = useMarkRead();
  const [, navigate] = useLocation();
  // Each notification is announced once per tab, whatever happens to the socket.
  const announced = useRef(new Set<number>());

  const open = (item: NotificationItem) => {
    if (!item.readAt) markRead.mutate({ id: item.id });
    if (item.link) navigate(item.link);
  };

  const announce = (item: NotificationItem) => {
    if (item.readAt || announced.current.has(item.id)) return;
    announced.current.add(item.id);
    toasts.show({
      id: `notification-${item.id}`,
      title: item.title,
      message: item.message,
      color: PRIORITY_LOOK[item.priority].color,
      autoClose: item.priority === 'URGENT' ? false : 8000,
      onClick: () => {
        toasts.hide(`notification-${item.id}`);
        open(item);
      },
      style: item.link ? { cursor: 'pointer' } : undefined,
      'data-testid': 'toast',
      'data-notification-id': item.id,
    });
    showDesktopNotification(item, () => open(item));
  };

  trpc.notifications.onEvent.useSubscription(
    {},
    {
      // A fresh subscription starts at the stream's head: refetch what was loaded before it.
      onStarted: () => void utils.notifications.invalidate(),
      onData: ({ data: event }) => {
        cache.apply(event);
        void cache.refreshCounts();
        if (event.kind === 'created') announce(event.notification);
      },
      onError: (error) => {
        if (isUnauthorized(error)) return restart(); // the session ended: back to sign-in
        toasts.show({ color: 'red', title: 'Live notifications stopped', message: errorMessage(error), autoClose: false });
      },
    },
  );
  return null;
}
