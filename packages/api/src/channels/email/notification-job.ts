/**
 * One notification by email: a job enqueued with the notification (schedule.ts), at once or
 * after the person's "unread after" delay. Everything that decides whether it goes is read again
 * when the job runs, so a change made meanwhile counts: the notification gone or expired, the
 * person deactivated, email switched off or moved to a digest, or (for "unread after") the
 * notification read or its request decided in the app. Quiet hours move it to their end.
 * deliverMail's ledger sends it once, whichever instance or retry gets there.
 */
import { createElement } from 'react';
import { sql } from 'kysely';
import { type CategoryPreference, type EmailTiming, type NotificationCategory } from '@pms/shared';
import type { JobKind } from '../../jobs/queue.js';
import { deliverySettingsOf, preferencesOf } from '../../preferences/effective.js';
import { quietUntil } from '../../preferences/quiet-hours.js';
import type { ApiDeps } from '../../trpc.js';
import { deliverMail, LEASE_SECONDS } from '../mail/deliver.js';
import { notificationUrl, preferencesUrl } from '../mail/links.js';
import { NotificationEmail } from '../mail/templates/notification-email.js';
import { renderMail } from '../mail/templates/render.js';
import { unsubscribeHeaders } from '../mail/unsubscribe.js';

/** Timings that send each notification on its own; hourly and daily ones go in a digest. */
const ONE_BY_ONE: readonly EmailTiming[] = ['immediately', 'unreadAfter'];

/** Whether a notification of this category gets an email of its own under `preference`. */
export function emailedOneByOne(preference: CategoryPreference): boolean {
  return preference.email && ONE_BY_ONE.includes(preference.emailTiming);
}

/** What a category's notifications are about, for "email is on for goal notifications". */
const ABOUT: Record<NotificationCategory, string> = { goals: 'goal', initiatives: 'initiative', reviews: 'review', system: 'system' };

export const notificationEmailJob: JobKind<{ notificationId: number }> = {
  name: 'email.notification',
  options: {
    // A send may wait seconds on the SMTP server; a job active this long lost its process (the
    // ledger's claim runs out at the same time, so the retry may take the send over).
    expireInSeconds: LEASE_SECONDS,
    // Retries after 5-10 s, then twice as long each time (6 to 11 hours in all): an SMTP or database outage delays mail, no more.
    retryLimit: 12,
    retryDelay: 5,
    retryBackoff: true,
  },
  // Sends mostly wait on the SMTP server: as many at once as the mailer has connections, several times over.
  batchSize: 20,
  handle: async ({ notificationId }, deps) => {
    const outcome = await emailNotification(deps, notificationId);
    if (outcome instanceof Date) {
      // Quiet hours: a new job for their end, which decides everything again then.
      await deps.jobs.enqueue(deps.db, notificationEmailJob, { notificationId }, { startAfter: outcome });
    } else if (outcome === 'inProgress') {
      // Another sender holds the claim: fail, so the queue retries after it finished or its claim ran out.
      throw new Error(`the email for notification ${notificationId} is being sent by another worker`);
    }
  },
};

type Outcome = 'skipped' | 'sent' | 'alreadySent' | 'inProgress' | Date;

/** Sends the notification's email if it should go now; a Date when quiet hours hold it until then. */
async function emailNotification(deps: ApiDeps, notificationId: number): Promise<Outcome> {
  const notification = await deps.db
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.recipient_id')
    // The type's registered category says which preferences apply.
    .innerJoin('notification_types as t', 't.type', 'n.type')
    .select('t.category')
    .select(['n.id', 'n.recipient_id', 'n.type', 'n.title', 'n.message', 'n.link', 'n.read_at', 'n.resolved_at', 'n.request_key', 'n.actions'])
    .select(['u.email', 'u.active'])
    .where('n.id', '=', notificationId)
    .where('n.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!notification?.active) return 'skipped';
  const userId = notification.recipient_id;
  const category = notification.category;
  const preference = (await preferencesOf(deps.db, [userId])).get(userId)![category];
  if (!emailedOneByOne(preference)) return 'skipped';
  // "Only if still unread": reading it, or deciding its request, in the app cancels the email.
  if (preference.emailTiming === 'unreadAfter' && (notification.read_at || notification.resolved_at)) return 'skipped';
  const quietEnd = quietUntil((await deliverySettingsOf(deps.db, [userId])).get(userId)!, new Date());
  if (quietEnd) return quietEnd;

  const unsubscribe = unsubscribeHeaders(deps.config, userId, { category });
  const open = notification.request_key !== null && notification.resolved_at === null;
  const { html, text } = await renderMail(
    createElement(NotificationEmail, {
      title: notification.title,
      message: notification.message,
      openUrl: notificationUrl(deps.config, notification),
      decision: open && notification.actions.length ? notification.actions.map((action) => action.kind).join(' or ') : null,
      about: ABOUT[category],
      preferencesUrl: preferencesUrl(deps.config),
      unsubscribeUrl: unsubscribe.url,
    }),
  );
  return deliverMail(deps, {
    dedupeKey: `notification:${notification.id}`,
    userId,
    to: notification.email,
    kind: 'notification',
    category,
    notificationId: notification.id,
    subject: notification.title,
    html,
    text,
    headers: unsubscribe.headers,
  });
}
