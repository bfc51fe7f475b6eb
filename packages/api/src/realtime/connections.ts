import { setTimeout as sleep } from 'node:timers/promises';
import type { WebSocket } from 'ws';

/** WebSocket close code for a policy violation: expired, revoked or over-limit sessions. */
export const POLICY_VIOLATION = 1008;

/** How often a subscription waiting for a slow socket to drain looks again. */
const DRAIN_POLL_MS = 20;

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
}

interface Connection extends NewConnection {
  socket: WebSocket;
  subscriptions: number;
}

/** The authenticated sockets this process holds, by session and by user, and what they may hold. */
export class ConnectionRegistry {
  #bySocket = new Map<WebSocket, Connection>();
  #byId = new Map<number, Connection>();
  #byUser = new Map<number, Set<Connection>>();
  #subscriptions = 0;
  /** Bumped on every change, so observers (presence) can tell cheaply whether anything moved. */
  version = 0;

  constructor(readonly limits: ConnectionLimits) {}

  /** Registers a socket; false when its user already holds the maximum here. */
  add(socket: WebSocket, details: NewConnection): boolean {
    const userSockets = this.#byUser.get(details.userId) ?? new Set<Connection>();
    if (userSockets.size >= this.limits.maxSocketsPerUser) return false;
    const connection: Connection = { ...details, socket, subscriptions: 0 };
    userSockets.add(connection);
    this.#byUser.set(details.userId, userSockets);
    this.#bySocket.set(socket, connection);
    this.#byId.set(details.id, connection);
    this.version++;
    socket.once('close', () => this.#remove(connection));
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
    for (const connection of [...this.#bySocket.values()]) {
      if (ids.has(connection.sessionId)) connection.socket.close(POLICY_VIOLATION, reason);
    }
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

  #remove(connection: Connection): void {
    this.#bySocket.delete(connection.socket);
    this.#byId.delete(connection.id);
    const userSockets = this.#byUser.get(connection.userId);
    userSockets?.delete(connection);
    if (userSockets?.size === 0) this.#byUser.delete(connection.userId);
    this.version++;
  }
}
