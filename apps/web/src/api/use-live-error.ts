import { notifications as toasts } from '@mantine/notifications';
import { useApi } from './api-provider';
import { errorMessage, isUnauthorized } from './errors';

/**
 * What a live subscription does when the server ends it: a finished session goes back to
 * sign-in; anything else is said once, and stays on screen.
 */
export function useLiveError(what: string) {
  const { restart } = useApi();
  return (error: unknown) => {
    if (isUnauthorized(error)) return restart();
    toasts.show({ color: 'red', title: `${what} stopped`, message: errorMessage(error), autoClose: false });
  };
}
