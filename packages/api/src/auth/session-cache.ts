import type { Session } from '../trpc.js';

/** Tokens kept at most (the oldest go first), and for how long, at most, each is trusted without a read. */
const MAX_ENTRIES = 10_000;
const MAX_AGE_MS = 60_000;

/**
 * The sessions of HTTP calls, kept between calls of the same token: a call of a known token pays
 * neither the signature check nor a database round trip (about 1 ms at the median and 2 at the
 * 95th percentile on a 2-core machine, `npm run bench:inbox`). Exact as the sockets' sessions are
 * (realtime/socket-sessions.ts), through the same announcements:
 * - a session revoked, or a change to its user, drops its entries: on the instance that made the
 *   change directly after it commits, on every other when the announcement arrives;
 * - while the LISTEN connection is down, announcements may be lost: nothing is kept or trusted;
 * - a read that a change overtook is not kept (its answer may predate the change);
 * - an entry is trusted for a minute at most, and never past its session's expiry.
 */
export class SessionCache {
  #entries = new Map<string, { session: Session; storedAt: number }>();
  #trusted = true;
  /** Counts changes: a read is kept only if none happened while it ran. */
  #changes = 0;

  /** The token's session: the kept one when there is one, otherwise `read()`'s answer, kept for the next call. */
  async resolve(token: string | null, read: () => Promise<Session | null>): Promise<Session | null> {
    if (!token) return read();
    const entry = this.#entries.get(token);
    const now = Date.now();
    if (entry && this.#trusted && now - entry.storedAt < MAX_AGE_MS && entry.session.expiresAt.getTime() > now) return entry.session;
    if (entry) this.#entries.delete(token);
    const changes = this.#changes;
    const session = await read();
    if (session && this.#trusted && changes === this.#changes) this.#keep(token, session);
    return session;
  }

  /** These sessions ended, or these users changed: their entries go. */
  changed(users: readonly number[], revoked: readonly string[]): void {
    this.#changes++;
    const userIds = new Set(users);
    const sessionIds = new Set(revoked);
    for (const [token, { session }] of this.#entries) {
      if (userIds.has(session.user.id) || sessionIds.has(session.id)) this.#entries.delete(token);
    }
  }

  /** The LISTEN connection is down: changes may go unannounced, so nothing is kept. */
  listenerLost(): void {
    this.#changes++;
    this.#trusted = false;
    this.#entries.clear();
  }

  /** The LISTEN connection is back: what is read from now on may be kept. */
  listenerBack(): void {
    this.#changes++;
    this.#trusted = true;
  }

  #keep(token: string, session: Session): void {
    this.#entries.delete(token); // re-inserted last: the oldest stay first in line to go
    this.#entries.set(token, { session, storedAt: Date.now() });
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
