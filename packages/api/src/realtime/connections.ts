import type { WebSocket } from 'ws';

/** WebSocket close code for a policy violation: expired, revoked or over-limit sessions. */
export const POLICY_VIOLATION = 1008;

interface Connection {
  socket: WebSocket;
  userId: number;
  sessionId: string;
}

/** The authenticated sockets this process holds, by session and by user. */
export class ConnectionRegistry {
  #bySocket = new Map<WebSocket, Connection>();
  #byUser = new Map<number, Set<Connection>>();

  constructor(readonly maxSocketsPerUser: number) {}

  /** Registers a socket; false when its user already holds the maximum here. */
  add(socket: WebSocket, userId: number, sessionId: string): boolean {
    const userSockets = this.#byUser.get(userId) ?? new Set<Connection>();
    if (userSockets.size >= this.maxSocketsPerUser) return false;
    const connection = { socket, userId, sessionId };
    userSockets.add(connection);
    this.#byUser.set(userId, userSockets);
    this.#bySocket.set(socket, connection);
    socket.once('close', () => this.#remove(connection));
    return true;
  }

  closeSessions(sessionIds: Iterable<string>, reason: string): void {
    const ids = new Set(sessionIds);
    for (const connection of [...this.#bySocket.values()]) {
      if (ids.has(connection.sessionId)) connection.socket.close(POLICY_VIOLATION, reason);
    }
  }

  stats() {
    return { sockets: this.#bySocket.size, users: this.#byUser.size };
  }

  #remove(connection: Connection): void {
    this.#bySocket.delete(connection.socket);
    const userSockets = this.#byUser.get(connection.userId);
    userSockets?.delete(connection);
    if (userSockets?.size === 0) this.#byUser.delete(connection.userId);
  }
}
