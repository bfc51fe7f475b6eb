/**
 * Deep links to a notification: the address of what it is about with the notification's id,
 * `/goals/42?notification=7`. Opened anywhere (a new tab, a reload, a bookmark, an email), it
 * shows the goal and marks the notification read (and so seen); the id then leaves the address.
 */
import type { NotificationItem } from './types';

export const DEEP_LINK_PARAM = 'notification';

/** Where a notification leads, as a deep link; null when it is not about anything with a page. */
export function notificationHref(item: Pick<NotificationItem, 'id' | 'link'>): string | null {
  if (!item.link) return null;
  const url = new URL(item.link, 'http://app.invalid'); // a base only to parse the relative link
  url.searchParams.set(DEEP_LINK_PARAM, String(item.id));
  return `${url.pathname}${url.search}`;
}

/** The notification id a deep link carries (a whole positive number), if any. */
export function notificationIdOf(search: string): number | null {
  const value = new URLSearchParams(search).get(DEEP_LINK_PARAM);
  return value && /^[1-9]\d{0,15}$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : null;
}
