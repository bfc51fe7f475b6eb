import { notifications as toasts } from '@mantine/notifications';
import { useEffect } from 'react';
import { useLocation, useSearch } from 'wouter';
import { errorMessage } from '../api/errors';
import { DEEP_LINK_PARAM, notificationIdOf } from './deep-link';
import { useSetRead } from './use-notification-cache';

/** In the shell: reads the notification a deep link names, then drops its id from the address. */
export function ReadFromDeepLink() {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const { mutate } = useSetRead();
  const id = notificationIdOf(search);

  useEffect(() => {
    if (id === null) return;
    mutate(
      { ids: [id], read: true },
      { onError: (error) => toasts.show({ color: 'red', title: 'Could not open the notification', message: errorMessage(error) }) },
    );
    const rest = new URLSearchParams(search);
    rest.delete(DEEP_LINK_PARAM);
    navigate(rest.toString() ? `${location}?${rest}` : location, { replace: true });
  }, [id, search, location, navigate, mutate]);
  return null;
}
