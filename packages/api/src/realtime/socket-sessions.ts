/**
 * The session of every open WebSocket, exact at each call without a query per call.
 *
 * tRPC builds a socket's context once, when it connects. The session read then is kept on the
 * socket's record (Connection.session) and read again (loadSessions) only when it may have changed:
 * - a change to its user (permissions, supervisor, name, deactivation), announced on
 *   `pms_users_changed`, marks the user's sockets stale; revocations close them outright;
 * - while the LISTEN connection is down, announcements are lost: every socket counts as stale,
 *   so every call reads its session again;
 * - once the listener is back, every socket is read again in a few batched statements, and those
 *   whose session ended are closed then, without waiting for a call.
 * A call on a fresh socket costs a map lookup; a stale one, one indexed read.
 */
import type { Logger } from '../ops/logger.js';
import type { Session } from '../trpc.js';
import type { Connection, ConnectionRegistry } from './connections.js';

/** These sessions as they are now, by id; ended ones are absent (auth/sessions.ts). */
export type LoadSessions = (sessionIds: readonly string[]) => Promise<Map<string, Session>>;

/** Sessions per statement when every socket is read again. */
const REVALIDATE_BATCH = 1000;
/** Pause before trying again when that read failed (the database may be restarting). */
const RETRY_MS = 1000;

export class SocketSessions {
  #listening = true;
  /** Marks handed out; a socket's `staleSince` is the latest mark it got. */
  #marks = 0;
  /** The read of every socket after a reconnect, while it runs: calls of sockets it covers wait for it. */
  #revalidation: { mark: number; done: Promise<void> } | null = null;
  #retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connections: ConnectionRegistry,
    private readonly load: LoadSessions,
    private readonly log: Logger,
  ) {}

  /**
   * The socket's session when it is known to be current (no I/O, no await): the common case.
   * Undefined when it must be read: use `current` then.
   */
  fresh(connectionId: number): Session | undefined {
    const connection = this.connections.get(connectionId);
    const current = connection && this.#listening && connection.staleSince === 0 && connection.socket.readyState === connection.socket.OPEN;
    return current ? connection.session : undefined;
  }

  /** The socket's session as it is now, or null when it has ended (the socket is then closed with 1008). */
  async current(connectionId: number): Promise<Session | null> {
    const known = this.fresh(connectionId);
    if (known) return known;
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) return null;
    const revalidation = this.#revalidation;
    if (revalidation && this.#listening && connection.staleSince === revalidation.mark) {
      await revalidation.done;
      if (connection.staleSince === 0) return this.#open(connection);
    }
    const mark = connection.staleSince;
    const sessions = await this.load([connection.session.id]);
    return this.#apply(connection, mark, sessions) ? this.#open(connection) : null;
  }

  /** These users changed: their sockets read their session again at their next call. */
  usersChanged(userIds: readonly number[]): void {
    for (const userId of userIds) {
      for (const connection of this.connections.ofUser(userId)) connection.staleSince = ++this.#marks;
    }
  }

  /** The LISTEN connection is down: changes may go unannounced, so no session is taken on trust. */
  listenerLost(): void {
    this.#listening = false;
  }

  /** The LISTEN connection is back: reads every socket's session again, closing those that ended. */
  listenerBack(): void {
    this.stop(); // a retry of an earlier round: this one covers it
    const mark = ++this.#marks;
    for (const connection of this.connections.all()) connection.staleSince = mark;
    this.#listening = true;
    void this.#revalidate(mark);
  }

  /** Cancels a pending retry. */
  stop(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }

  async #revalidate(mark: number): Promise<void> {
    const done = this.#readAll(mark);
    this.#revalidation = { mark, done: done.catch(() => {}) };
    try {
      await done;
    } catch (error) {
      this.log.warn({ error: (error as Error).message }, 'realtime: re-reading the sessions of open sockets failed; retrying');
      this.#retry = setTimeout(() => {
        this.#retry = null;
        if (this.#listening && this.#revalidation?.mark === mark) void this.#revalidate(mark);
      }, RETRY_MS).unref();
    } finally {
      if (this.#revalidation?.mark === mark && !this.#retry) this.#revalidation = null;
    }
  }

  async #readAll(mark: number): Promise<void> {
    const stale = [...this.connections.all()].filter((connection) => connection.staleSince === mark);
    for (let start = 0; start < stale.length; start += REVALIDATE_BATCH) {
      const batch = stale.slice(start, start + REVALIDATE_BATCH);
      const sessions = await this.load([...new Set(batch.map((connection) => connection.session.id))]);
      for (const connection of batch) this.#apply(connection, mark, sessions);
    }
  }

  /**
   * Takes what was read (from `mark` on); false when the session has ended. A changed session
   * replaces the kept one; the socket stays stale if it was marked again meanwhile. An ended one
   * closes the socket, just after the call that found out has had its answer.
   */
  #apply(connection: Connection, mark: number, sessions: Map<string, Session>): boolean {
    const fresh = sessions.get(connection.session.id);
    if (!fresh) {
      setImmediate(closeEnded, this.connections, connection);
      return false;
    }
    // Keeping the object when nothing changed keeps the socket's footprint as it was.
    if (!sameSession(connection.session, fresh)) connection.session = fresh;
    if (connection.staleSince === mark) connection.staleSince = 0;
    return true;
  }

  #open(connection: Connection): Session | null {
    const open = connection.socket.readyState === connection.socket.OPEN && this.connections.get(connection.id) === connection;
    return open ? connection.session : null;
  }
}

function sameSession(a: Session, b: Session): boolean {
  return (
    a.expiresAt.getTime() === b.expiresAt.getTime() &&
    a.user.email === b.user.email &&
    a.user.name === b.user.name &&
    a.user.supervisorId === b.user.supervisorId &&
    a.user.permissions.join() === b.user.permissions.join()
  );
}

function closeEnded(connections: ConnectionRegistry, connection: Connection): void {
  connections.close(connection, 'session ended');
}
