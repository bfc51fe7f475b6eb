/**
 * Sends one mail at most once per dedupe key, whichever instance or retry gets there: the mail is
 * claimed in `mail_messages` (status `sending`, a lease), handed to the mailer, then marked
 * `sent`. A sender that dies mid-send leaves its claim to expire and the next attempt sends it;
 * one that dies after the SMTP server accepted but before marking it could send it twice, so the
 * Message-ID is derived from the key and a receiver can drop the copy.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { NotificationCategory } from '@pms/shared';
import type { ApiDeps } from '../../trpc.js';

/** How long a claim holds: longer than the mailer's timeouts, so a live send is never taken over. */
export const LEASE_SECONDS = 60;

export interface MailToDeliver {
  /** What the mail is for (`notification:42`); one mail per key, ever. */
  dedupeKey: string;
  userId: number;
  to: string;
  kind: string;
  category: NotificationCategory | null;
  notificationId?: number | null;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export type DeliveryOutcome = 'sent' | 'alreadySent' | 'inProgress';

export async function deliverMail(deps: Pick<ApiDeps, 'db' | 'mailer'>, mail: MailToDeliver): Promise<DeliveryOutcome> {
  const { db, mailer } = deps;
  const headers = mail.headers ?? {};
  const claimed = await db
    .insertInto('mail_messages')
    .values({
      dedupe_key: mail.dedupeKey,
      user_id: mail.userId,
      kind: mail.kind,
      category: mail.category,
      notification_id: mail.notificationId ?? null,
      to_address: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: JSON.stringify(headers),
      status: 'sending',
      lease_until: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    // Taken over only when an earlier attempt's claim ran out without marking it sent.
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .doUpdateSet({
          attempts: sql`mail_messages.attempts + 1`,
          lease_until: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
          to_address: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          headers: JSON.stringify(headers),
        })
        .where('mail_messages.status', '=', 'sending')
        .where('mail_messages.lease_until', '<', sql<Date>`now()`),
    )
    .returning('id')
    .executeTakeFirst();
  if (!claimed) {
    const existing = await db.selectFrom('mail_messages').select('status').where('dedupe_key', '=', mail.dedupeKey).executeTakeFirst();
    return existing?.status === 'sent' ? 'alreadySent' : 'inProgress';
  }
  const messageId = `<${createHash('sha256').update(mail.dedupeKey).digest('hex').slice(0, 32)}@pms.mail>`;
  await mailer.send({ to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, headers, messageId });
  await db
    .updateTable('mail_messages')
    .set({ status: 'sent', sent_at: sql`now()`, lease_until: null, transport: mailer.transport, message_id: messageId })
    .where('id', '=', claimed.id)
    .execute();
  return 'sent';
}
