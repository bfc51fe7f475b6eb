/**
 * Where email goes: an SMTP server (`SMTP_URL`, through nodemailer), or, without one, nowhere
 * beyond the database: every mail is kept in `mail_messages` either way, so the administrators'
 * Sent mail screen shows what went out (or would have).
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailerOptions {
  /** `smtp://user:pass@host:587`, `smtps://…`; null keeps mail in the database only. */
  smtpUrl: string | null;
  /** The sender, `PMS <no-reply@pms.example.com>`. */
  from: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers (`List-Unsubscribe`, …). */
  headers: Record<string, string>;
  /** Stable per mail (from its dedupe key), so a receiver can drop a copy sent twice. */
  messageId: string;
}

export class Mailer {
  readonly transport: 'smtp' | 'stored';
  readonly from: string;
  readonly #smtp: Transporter | null;

  constructor(options: MailerOptions) {
    this.from = options.from;
    this.transport = options.smtpUrl ? 'smtp' : 'stored';
    // A pool of connections per instance; a send that hangs fails after the timeouts and is retried.
    this.#smtp = options.smtpUrl
      ? nodemailer.createTransport(options.smtpUrl, {
          pool: true,
          maxConnections: 5,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        } as object)
      : null;
  }

  /** Hands the mail to the SMTP server (resolves once it accepted it); a no-op when mail is only kept. */
  async send(mail: OutgoingMail): Promise<void> {
    if (!this.#smtp) return;
    await this.#smtp.sendMail({ from: this.from, ...mail });
  }

  close(): void {
    this.#smtp?.close();
  }
}
