/** Addresses in the app that mails point to, under the app's public address (`PUBLIC_URL`). */
import type { ApiConfig } from '../../trpc.js';

/** A notification's deep link: its page with it selected, read once opened (apps/web/src/notifications/deep-link.ts). */
export function notificationUrl(config: Pick<ApiConfig, 'publicUrl'>, notification: { id: number; link: string | null }): string {
  const url = new URL(`${config.publicUrl}${notification.link ?? '/notifications'}`);
  url.searchParams.set('notification', String(notification.id));
  return url.href;
}

export function preferencesUrl(config: Pick<ApiConfig, 'publicUrl'>): string {
  return `${config.publicUrl}/settings/notifications`;
}
