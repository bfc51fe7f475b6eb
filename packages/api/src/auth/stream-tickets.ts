/**
 * Stream tickets: how a client that can carry a credential only in a URL (the original WebSocket
 * protocol, `ws://host/api/notifications/ws?token=…`) opens a stream without the session token
 * ever appearing in a URL (URLs end up in access logs, proxies and shell history).
 *
 * A signed-in person asks for one (`auth.streamTicket`, `POST /api/v1/stream-tickets`); it is
 * good once, for STREAM_TICKET_TTL_SECONDS. Only its SHA-256 is stored, in PostgreSQL, so any
 * instance can redeem it; redeeming is one conditional UPDATE, so two instances racing with the
 * same ticket cannot both win. The stream then lives under the session that asked for it.
 * Expiry is on the database's clock, so instances with skewed clocks agree.
 *
 * Faults: if the database drops while a ticket is redeemed, the redeem fails and the socket is
 * closed asking the client to retry (compat-ws); whether the UPDATE committed or not, the client
 * asks for a new ticket. Old rows are deleted by the retention job (notifications/retention.ts).
 */
import { sql } from 'kysely';
import type { DB } from '@pms/db';
import { hashSecret, newSecret } from '../lib/secrets.js';
import type { Session } from '../trpc.js';
import { loadSessions } from './sessions.js';

export const STREAM_TICKET_PREFIX = 'pst_';
export const STREAM_TICKET_TTL_SECONDS = 30;

export const isStreamTicket = (token: string) => token.startsWith(STREAM_TICKET_PREFIX);

/** A new ticket for `session`; the ticket itself is never readable again. */
export async function issueStreamTicket(db: DB, session: Session): Promise<{ ticket: string; expiresAt: Date }> {
  const ticket = newSecret(STREAM_TICKET_PREFIX);
  const { expires_at } = await db
    .insertInto('stream_tickets')
    .values({
      hash: hashSecret(ticket),
      user_id: session.user.id,
      session_id: session.id,
      expires_at: sql<Date>`now() + make_interval(secs => ${STREAM_TICKET_TTL_SECONDS})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return { ticket, expiresAt: expires_at };
}

export type Redeemed = { session: Session } | { refusal: string };

/** Spends the ticket and returns the live session it stands for, or why it opens nothing. */
export async function redeemStreamTicket(db: DB, ticket: string): Promise<Redeemed> {
  const spent = await db
    .updateTable('stream_tickets')
    .set({ used_at: sql<Date>`now()` })
    .where('hash', '=', hashSecret(ticket))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('session_id')
    .executeTakeFirst();
  if (!spent) return { refusal: 'the ticket is unknown, used or expired: get a new one (POST /api/v1/stream-tickets)' };
  const session = (await loadSessions(db, [spent.session_id])).get(spent.session_id);
  return session ? { session } : { refusal: 'the session that asked for this ticket has ended: sign in again' };
}
