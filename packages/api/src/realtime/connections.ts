import { setTimeout as sleep } from 'node:timers/promises';
import type { WebSocket } from 'ws';

/** WebSocket close code for a policy violation: expired, revoked or over-limit sessions. */
export const POLICY_VIOLATION = 1008;

/** How often a subscription waiting for a slow socket to drain looks again. */
const DRAIN_POLL_MS = 20;
/** How often sockets whose session has ended are closed (a message on one is refused at once). */
const EXPIRY_SWEEP_MS = 1000;

export interface ConnectionLimits {
  maxSocketsPerUser: number;
  maxSubscriptionsPerSocket: number;
  /** Bytes a socket may have waiting to be sent before its subscriptions pause. */
  maxBufferedBytesPerSocket: number;
}

export interface NewConnection {
  /** The `connectionId` of the socket's tRPC context (Transport). */
  id: number;
  userId: number;
  sessionId: string;
  /** When the session ends; its socket is closed with 1008 then. */
  sessionExpiresAt: Date;
}

interface Connection {
  id: number;
  userId: number;
  sessionId: string;
  expiresAtMs: number;
  socket: WebSocket;
  subscriptions: number;
}

/** The authenticated sockets this process holds, by session and by user, and what they may hold. */
export class ConnectionRegistry {
  #bySocket = new Map<WebSocket, Connection>();
  #byId = new Map<number, Connection>();
  #byUser = new Map<number, Set<Connection>>();
  #subscriptions = 0;
  #expirySweep: NodeJS.Timeout | null = null;
  /** Bumped on every change, so observers (presence) can tell cheaply whether anything moved. */
  version = 0;

  // One listener of each kind for all sockets (ws calls them with the socket as `this`), because
  // closures per socket are a large part of what an idle connection costs (BENCHMARKS.md).
  readonly #onMessage: (this: WebSocket) => void;
  readonly #onClose: (this: WebSocket) => void;

  constructor(readonly limits: ConnectionLimits) {
    const registry = this;
    this.#onMessage = function (this: WebSocket) {
      const connection = registry.#bySocket.get(this);
      // Checked before tRPC reads the message: nothing is served on an ended session.
      if (connection && connection.expiresAtMs <= Date.now()) this.close(POLICY_VIOLATION, 'session expired');
    };
    this.#onClose = function (this: WebSocket) {
      registry.#remove(this);
    };
  }

  /** Starts closing the sockets of sessions that have ended. */
  start(): void {
    this.#expirySweep ??= setInterval(() => this.#closeExpired(Date.now()), EXPIRY_SWEEP_MS).unref();
  }

  stop(): void {
    if (this.#expirySweep) clearInterval(this.#expirySweep);
    this.#expirySweep = null;
  }

  /** Registers a socket; false when its user already holds the maximum here. */
  add(socket: WebSocket, details: NewConnection): boolean {
    const userSockets = this.#byUser.get(details.userId) ?? new Set<Connection>();
    if (userSockets.size >= this.limits.maxSocketsPerUser) return false;
    // A literal rather than a spread of `details`: records then share one hidden class in V8.
    const connection: Connection = {
      id: details.id,
      userId: details.userId,
      sessionId: details.sessionId,
      expiresAtMs: details.sessionExpiresAt.getTime(),
      socket,
      subscriptions: 0,
    };
    userSockets.add(connection);
    this.#byUser.set(details.userId, userSockets);
    this.#bySocket.set(socket, connection);
    this.#byId.set(details.id, connection);
    this.version++;
    socket.prependListener('message', this.#onMessage);
    socket.on('close', this.#onClose);
    return true;
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
    this.#closeWhere((connection) => ids.has(connection.sessionId), reason);
  }

  stats() {
    return { sockets: this.#bySocket.size, users: this.#byUser.size, subscriptions: this.#subscriptions };
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

  #closeExpired(now: number): void {
    this.#closeWhere((connection) => connection.expiresAtMs <= now, 'session expired');
  }

  #closeWhere(matches: (connection: Connection) => boolean, reason: string): void {
    // A snapshot: a socket that closes at once leaves the map while this loop runs.
    for (const connection of [...this.#bySocket.values()]) {
      if (matches(connection)) connection.socket.close(POLICY_VIOLATION, reason);
    }
  }

  #remove(socket: WebSocket): void {
    const connection = this.#bySocket.get(socket);
    if (!connection) return;
    this.#bySocket.delete(socket);
    this.#byId.delete(connection.id);
    const userSockets = this.#byUser.get(connection.userId);
    userSockets?.delete(connection);
    if (userSockets?.size === 0) this.#byUser.delete(connection.userId);
    this.version++;
  }
}
