/**
 * A real SMTP server for the suite (the `smtp-server` package), on a free port: it accepts every
 * mail and parses it with `mailparser`, so tests read what a mail client would. A mail counts as
 * delivered when the server answered 250 to it, as an MTA takes responsibility then; `hold()`
 * keeps that answer back, to catch a sender mid-send.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  /** `smtp://127.0.0.1:port`, for SMTP_URL. */
  url: string;
  /** Mails accepted so far, in order. */
  readonly received: ParsedMail[];
  /** Resolves once `count` mails were accepted (fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /**
   * Holds back the answer to the next mails; `release()` accepts them (unless their client went
   * away). `clientGone()` resolves once the connection of the held mail closed.
   */
  hold(): { arrived(): Promise<void>; clientGone(): Promise<void>; release(): void };
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  let waiters: Array<() => void> = [];
  let gate: { arrived: (session: object) => void; released: Promise<void> } | null = null;
  const closeWatchers = new Map<object, () => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (gate) {
            gate.arrived(session);
            await gate.released;
          }
          // The client went away before the answer: no 250 reached it, so nothing was delivered.
          if ((session as { closed?: boolean }).closed) return callback(new Error('client gone'));
          received.push(mail);
          callback();
          for (const wake of waiters) wake();
        })
        .catch((error: Error) => callback(error));
    },
    onClose(session) {
      (session as { closed?: boolean }).closed = true;
      closeWatchers.get(session)?.();
    },
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${received.length}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 100);
        });
        waiters = [];
      }
      return received.slice(0, count);
    },
    hold() {
      let arrived!: (session: object) => void;
      let release!: () => void;
      const arrival = new Promise<object>((resolve) => (arrived = resolve));
      gate = { arrived, released: new Promise<void>((resolve) => (release = resolve)) };
      return {
        arrived: () => arrival.then(() => {}),
        clientGone: () =>
          arrival.then((session) =>
            (session as { closed?: boolean }).closed ? undefined : new Promise<void>((gone) => closeWatchers.set(session, gone)),
          ),
        release: () => {
          gate = null;
          release();
        },
      };
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
