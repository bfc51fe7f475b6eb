/**
 * Mail rows written straight into the ledger, as deliverMail leaves them: the admin screens read
 * the ledger, and sending is tested on its own (channels/mail).
 */
import type { DB } from '@pms/db';

export interface MailFixture {
  to: string;
  kind?: string;
  subject?: string;
  html?: string;
}

let sequence = 0;

export async function insertMail(db: DB, mail: MailFixture): Promise<number> {
  const n = ++sequence;
  const row = await db
    .insertInto('mail_messages')
    .values({
      dedupe_key: `fixture:${process.pid}:${Date.now()}:${n}`,
      kind: mail.kind ?? 'notification',
      category: 'goals',
      to_address: mail.to,
      subject: mail.subject ?? `Fixture mail ${n}`,
      html: mail.html ?? `<p style="color:#333">Fixture mail ${n}</p>`,
      text: `Fixture mail ${n}`,
      headers: JSON.stringify({ 'List-Unsubscribe': `<https://pms.example/unsubscribe/${n}>` }),
      status: 'sent',
      transport: 'stored',
      sent_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
