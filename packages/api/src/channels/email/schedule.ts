/**
 * Which new notifications get an email of their own, and when: enqueued by publish() in the
 * transaction that stores them, so a rolled-back change leaves no email behind and a committed
 * one always has its job. The job decides again when it runs (notification-job.ts).
 */
import type { Kysely } from 'kysely';
import type { Database, Notification } from '@pms/db';
import type { JobQueue } from '../../jobs/queue.js';
import type { CategoryPreference } from '@pms/shared';
import { emailedOneByOne, notificationEmailJob } from './notification-job.js';

/**
 * One job per notification whose recipient has email on for its category: now for `immediately`,
 * after the delay for `unreadAfter`. Hourly and daily timings are the digests' business.
 */
export async function scheduleEmails(
  trx: Kysely<Database>,
  jobs: JobQueue,
  notifications: readonly Notification[],
  /** The recipient's preference in the category the notification's type is registered in. */
  preferenceOf: (notification: Notification) => CategoryPreference,
): Promise<void> {
  const emails = notifications.flatMap((notification) => {
    const preference = preferenceOf(notification);
    if (!emailedOneByOne(preference)) return [];
    const startAfter = preference.emailTiming === 'unreadAfter' ? new Date(Date.now() + preference.unreadDelayMinutes * 60_000) : undefined;
    return [{ data: { notificationId: notification.id }, startAfter }];
  });
  await jobs.enqueueMany(trx, notificationEmailJob, emails);
}
