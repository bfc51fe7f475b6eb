/**
 * Helpers for the email suites: a server that sends to a real SMTP server, the email jobs and
 * ledger rows of a notification, and what a received mail says.
 */
import { sql } from 'kysely';
import type { ParsedMail } from 'mailparser';
import type { DB } from '@pms/db';
import { startSmtp, type TestSmtp } from './smtp.js';
import { startTestServer, type TestServer } from './server.js';
import { until } from './until.js';

/** Where links in the suites' mails point (PUBLIC_URL). */
export const PUBLIC_URL = 'https://pms.example.test';

/** A server over a fresh demo database, sending through its own SMTP server. */
export async function startMailingServer(env: Record<string, string> = {}): Promise<{ server: TestServer; smtp: TestSmtp; close(): Promise<void> }> {
  const smtp = await startSmtp();
  const server = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL, ...env } });
  return {
    server,
    smtp,
    close: async () => {
      await server.close();
      await smtp.close();
    },
  };
}

export interface EmailJob {
  id: string;
  state: string;
  start_after: Date;
}

/** The email jobs of a notification, oldest first (pg-boss's table). */
export async function emailJobs(db: DB, notificationId: number): Promise<EmailJob[]> {
  const { rows } = await sql<EmailJob>`
    select id, state, start_after from pgboss.job
    where name = 'email.notification' and (data->>'notificationId')::bigint = ${notificationId}
    order by created_on, start_after
  `.execute(db);
  return rows;
}

/**
 * Lets the time a waiting email job was scheduled for come now, as the clock would: its start
 * moves to now and the queue's next poll takes it. The job's handler runs as it would then.
 */
export async function dueNow(db: DB, notificationId: number): Promise<void> {
  const { numAffectedRows } = await sql`
    update pgboss.job set start_after = now()
    where name = 'email.notification' and (data->>'notificationId')::bigint = ${notificationId} and state in ('created', 'retry')
  `.execute(db);
  if (!numAffectedRows) throw new Error(`notification ${notificationId} has no email job waiting`);
}

/** Resolves once every email job of the notification has finished (the handler ran and decided). */
export async function jobsDone(db: DB, notificationId: number, timeoutMs?: number): Promise<void> {
  await until(
    async () => {
      const jobs = await emailJobs(db, notificationId);
      return jobs.length > 0 && jobs.every((job) => job.state === 'completed');
    },
    `the email jobs of notification ${notificationId} completed`,
    timeoutMs,
  );
}

/** The ledger's rows for a notification's email. */
export function ledger(db: DB, notificationId: number) {
  return db.selectFrom('mail_messages').selectAll().where('dedupe_key', '=', `notification:${notificationId}`).execute();
}

/** A header as sent (unfolded), by name; undefined when absent. */
export function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** The mails received for one address. */
export function mailsTo(smtp: TestSmtp, address: string): ParsedMail[] {
  return smtp.received.filter((mail) => header(mail, 'to')?.includes(address));
}
