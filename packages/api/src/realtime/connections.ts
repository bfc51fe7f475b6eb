import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, type RawData } from 'ws';
import type { Session } from '../trpc.js';
import type { EventStream } from './event-stream.js';
import { Keepalive, type Heard, type KeepaliveOptions } from './keepalive.js';
import { bucketClock, callsInMessage, fullBucket, takeCalls, type MessageBucket, type MessageLimits } from './socket-limits.js';

/** WebSocket close code for a policy violation: expired, revoked or over-limit sessions. */
export const POLICY_VIOLATION = 1008;

/** How often a subscription waiting for a slow socket to drain looks again. */
const DRAIN_POLL_MS = 20;
/**
 * How often sockets whose session has ended, and sockets past their deadline to sign in, are
 * closed (a message on an ended session is refused at once).
 */
const SWEEP_MS = 1000;

export interface ConnectionLimits extends MessageLimits, KeepaliveOptions {
  maxSocketsPerUser: number;
  maxSubscriptionsPerSocket: number;
  /** Bytes a socket may have waiting to be sent before its subscriptions pause. */
  maxBufferedBytesPerSocket: number;
  /** How long a socket may stay without a session (no connectionParams yet, or a token that is no good). */
  authTimeoutMs: number;
  /** Sockets without a session this process holds at most; more are refused at the upgrade. */
  maxUnauthenticatedSockets: number;
}

export interface NewConnection {
  /** The `connectionId` of the socket's tRPC context (Transport). */
  id: number;
  /** Its session as read when it connected; ended (expired, revoked): the socket is closed with 1008. */
  session: Session;
}

/** What a connection is held by: a WebSocket, or a Server-Sent Events response (event-stream.ts). */
export type RegisteredSocket = WebSocket | EventStream;

/** An authenticated socket: plain fields only (no closures), one hidden class for all. */
export interface Connection extends MessageBucket, Heard {
  id: number;
  /** The session as last read; SocketSessions re-reads it when it may have changed. */
  session: Session;
  socket: RegisteredSocket;
  subscriptions: number;
  /** 0 while `session` is current; else the mark of a change not re-read yet (see SocketSessions). */
  staleSince: number;
}

/** A socket without a session yet: closed at `deadline` unless it signs in first. */
interface UnauthenticatedSocket extends MessageBucket {
  deadline: number;
}

/**
 * The sockets this process holds: authenticated ones by session and by user, and what they may
 * hold; those not signed in yet, until their deadline.
 */
export class ConnectionRegistry {
  #bySocket = new Map<RegisteredSocket, Connection>();
  #byId = new Map<number, Connection>();
  #byUser = new Map<number, Set<Connection>>();
  /** In order of arrival, hence of deadline. */
  #unauthenticated = new Map<WebSocket, UnauthenticatedSocket>();
  #subscriptions = 0;
  #lastId = 0;
  #sweep: NodeJS.Timeout | null = null;
  /**
   * No session here ends before this: the sweep looks at the sockets only once it has passed,
   * instead of walking all of them every second (sessions last hours).
   */
  #nextExpiryMs = Infinity;
  /** Bumped on every change, so observers (presence) can tell cheaply whether anything moved. */
  version = 0;

  /**
   * The class the WebSocketServer must build its sockets with (its `WebSocket` option): every
   * message passes #admitMessage before any listener, tRPC's included, sees it, so a refused
   * message is never served. A method on the class, not a listener per socket.
   */
  readonly Socket: typeof WebSocket;

  // One close listener for all sockets (ws calls it with the socket as `this`), because
  // closures per socket are a large part of what an idle connection costs (BENCHMARKS.md).
  readonly #onClose: (this: RegisteredSocket) => void;
  readonly #keepalive: Keepalive;

  constructor(readonly limits: ConnectionLimits) {
    this.#keepalive = new Keepalive(
      limits,
      () => this.#bySocket,
      (socket, message) => this.#admitMessage(socket, message),
    );
    const registry = this;
    this.#onClose = function (this: RegisteredSocket) {
      registry.#remove(this);
    };
    this.Socket = class GuardedWebSocket extends WebSocket {
      override emit(event: string | symbol, ...args: unknown[]): boolean {
        if (event === 'message') {
          const [data, isBinary] = args as [RawData, boolean];
          if (!registry.#admitMessage(this, data) || registry.#keepalive.absorbs(this, data, isBinary)) return false;
        } else if (event === 'pong' || event === 'ping') {
          registry.#heard(this); // WebSocket control frames: how the original protocol's clients answer (KeepsItselfAlive)
        }
        return super.emit(event, ...args);
      }

      /** ws's own set-up of the socket (not in its types), then the keepalive's fast path. */
      setSocket(...args: unknown[]): void {
        (WebSocket.prototype as unknown as { setSocket(...args: unknown[]): void }).setSocket.apply(this, args);
        registry.#keepalive.readFirst(this);
      }
    };
  }

  /** Starts closing the sockets of sessions that have ended, those that never signed in, and silent ones. */
  start(): void {
    this.#sweep ??= setInterval(() => this.#sweepSockets(Date.now()), SWEEP_MS).unref();
    this.#keepalive.start();
  }

  stop(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
    this.#keepalive.stop();
  }

  /** Whether one more socket without a session may open: asked at the upgrade, before any work. */
  acceptsUnauthenticated(): boolean {
    return this.#unauthenticated.size < this.limits.maxUnauthenticatedSockets;
  }

  /** Tracks a new socket: it must sign in (add) within `authTimeoutMs`, and its messages are limited from the first. */
  admit(socket: WebSocket): void {
    const now = bucketClock();
    const { tokens, refilledAt } = fullBucket(this.limits, now);
    this.#unauthenticated.set(socket, { deadline: Date.now() + this.limits.authTimeoutMs, tokens, refilledAt });
    socket.on('close', this.#onClose);
  }

  /** A connection id no other socket of this process has had (the `connectionId` of its Transport). */
  newId(): number {
    return ++this.#lastId;
  }

  /**
   * Registers a signed-in socket (or event stream); false when its user already holds the
   * maximum here.
   */
  add(socket: RegisteredSocket, details: NewConnection): boolean {
    // Closed while its session was read: nothing to register (its close has been handled).
    if (socket.readyState !== socket.OPEN) return true;
    const userId = details.session.user.id;
    const userSockets = this.#byUser.get(userId) ?? new Set<Connection>();
    if (userSockets.size >= this.limits.maxSocketsPerUser) return false;
    const admitted = socket instanceof WebSocket ? this.#unauthenticated.get(socket) : undefined;
    if (admitted) this.#unauthenticated.delete(socket as WebSocket);
    const bucket = admitted ?? fullBucket(this.limits, bucketClock());
    // A literal rather than a spread: records then share one hidden class in V8.
    const connection: Connection = {
      id: details.id,
      session: details.session,
      socket,
      subscriptions: 0,
      staleSince: 0,
      tokens: bucket.tokens,
      refilledAt: bucket.refilledAt,
      heardAt: bucketClock(),
      pinged: false,
    };
    this.#nextExpiryMs = Math.min(this.#nextExpiryMs, details.session.expiresAt.getTime());
    userSockets.add(connection);
    this.#byUser.set(userId, userSockets);
    this.#bySocket.set(socket, connection);
    this.#byId.set(details.id, connection);
    this.version++;
    if (!admitted) socket.on('close', this.#onClose);
    return true;
  }

  get(connectionId: number): Connection | undefined {
    return this.#byId.get(connectionId);
  }

  ofUser(userId: number): Iterable<Connection> {
    return this.#byUser.get(userId) ?? [];
  }

  all(): Iterable<Connection> {
    return this.#bySocket.values();
  }

  close(connection: Connection, reason: string): void {
    connection.socket.close(POLICY_VIOLATION, reason);
  }

  /**
   * Takes one of the socket's subscription slots and returns its release, or null when the
   * socket is unknown (closing) or holds the maximum already.
   */
  claimSubscription(connectionId: number): (() => void) | null {
    const connection = this.#byId.get(connectionId);
    if (!connection || connection.subscriptions >= this.limits.maxSubscriptionsPerSocket) return null;
    connection.subscriptions++;
    this.#subscriptions++;
    this.version++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      connection.subscriptions--;
      this.#subscriptions--;
      this.version++;
    };
  }

  /**
   * Waits while the socket has more than its share of bytes waiting to be sent: a client that
   * reads slowly pauses its own subscriptions instead of growing this process's buffers.
   */
  async whenWritable(connectionId: number, signal?: AbortSignal): Promise<void> {
    const connection = this.#byId.get(connectionId);
    while (
      connection &&
      connection.socket.readyState === connection.socket.OPEN &&
      connection.socket.bufferedAmount > this.limits.maxBufferedBytesPerSocket &&
      !signal?.aborted
    ) {
      await sleep(DRAIN_POLL_MS);
    }
  }

  closeSessions(sessionIds: Iterable<string>, reason: string): void {
    const ids = new Set(sessionIds);
    this.#closeWhere((connection) => ids.has(connection.session.id), reason);
  }

  stats() {
    return {
      sockets: this.#bySocket.size,
      users: this.#byUser.size,
      subscriptions: this.#subscriptions,
      unauthenticated: this.#unauthenticated.size,
    };
  }

  /** Bytes waiting to be sent on all sockets: what slow clients currently cost. */
  bufferedBytes(): number {
    let total = 0;
    for (const socket of this.#bySocket.keys()) total += socket.bufferedAmount;
    return total;
  }

  userIds(): number[] {
    return [...this.#byUser.keys()];
  }

  /**
   * Whether tRPC may read this message: the session has not ended, the message carries at most
   * `maxCallsPerMessage` calls, and the socket is within its rate. Otherwise the socket is closed
   * with 1008 and the reason.
   */
  #admitMessage(socket: WebSocket, data: RawData): boolean {
    if (socket.readyState !== socket.OPEN) return false; // closing: nothing more is served
    const connection = this.#bySocket.get(socket);
    if (connection && connection.session.expiresAt.getTime() <= Date.now()) return refuse(socket, 'session expired');
    const bucket = connection ?? this.#unauthenticated.get(socket);
    if (!bucket) return true;
    const calls = callsInMessage(data);
    if (calls > this.limits.maxCallsPerMessage) return refuse(socket, `at most ${this.limits.maxCallsPerMessage} calls per message`);
    const now = bucketClock();
    if (!takeCalls(bucket, calls, now, this.limits)) {
      return refuse(socket, `at most ${this.limits.messagesPerSecond} calls per second`);
    }
    if (connection) {
      connection.heardAt = now;
      connection.pinged = false;
    }
    return true;
  }

  #heard(socket: WebSocket): void {
    const connection = this.#bySocket.get(socket);
    if (!connection) return;
    connection.heardAt = bucketClock();
    connection.pinged = false;
  }

  #sweepSockets(now: number): void {
    if (this.#nextExpiryMs <= now) this.#closeExpired(now);
    for (const [socket, { deadline }] of this.#unauthenticated) {
      if (deadline > now) break; // the rest arrived later
      this.#unauthenticated.delete(socket);
      socket.close(POLICY_VIOLATION, 'sign in within the deadline');
    }
  }

  /** Closes the sockets whose session has ended, and notes when the next one ends. */
  #closeExpired(now: number): void {
    let next = Infinity;
    this.#closeWhere((connection) => {
      const expiresAtMs = connection.session.expiresAt.getTime();
      if (expiresAtMs > now) next = Math.min(next, expiresAtMs);
      return expiresAtMs <= now;
    }, 'session expired');
    this.#nextExpiryMs = next;
  }

  #closeWhere(matches: (connection: Connection) => boolean, reason: string): void {
    // No snapshot needed: a closing socket leaves the map only on its 'close' event, and a Map
    // iterator skips entries deleted meanwhile anyway.
    for (const connection of this.#bySocket.values()) {
      if (matches(connection)) connection.socket.close(POLICY_VIOLATION, reason);
    }
  }

  #remove(socket: RegisteredSocket): void {
    if (socket instanceof WebSocket) this.#unauthenticated.delete(socket);
    const connection = this.#bySocket.get(socket);
    if (!connection) return;
    this.#bySocket.delete(socket);
    this.#byId.delete(connection.id);
    const userSockets = this.#byUser.get(connection.session.user.id);
    userSockets?.delete(connection);
    if (userSockets?.size === 0) this.#byUser.delete(connection.session.user.id);
    this.version++;
  }
}

function refuse(socket: WebSocket, reason: string): false {
  socket.close(POLICY_VIOLATION, reason);
  return false;
}
