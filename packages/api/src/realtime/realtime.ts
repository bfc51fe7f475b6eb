import { CHANNELS } from './channels.js';
import { ConnectionRegistry } from './connections.js';
import { PgListener } from './listener.js';

export interface RealtimeOptions {
  connectionString: string;
  maxSocketsPerUser: number;
}

/** This process's realtime machinery: the LISTEN connection and the sockets it serves. */
export class Realtime {
  readonly listener: PgListener;
  readonly connections: ConnectionRegistry;

  constructor(options: RealtimeOptions) {
    this.listener = new PgListener(options.connectionString);
    this.connections = new ConnectionRegistry(options.maxSocketsPerUser);
    this.listener.on(CHANNELS.sessions, (payload) => {
      const { s } = JSON.parse(payload) as { s: string[] };
      this.connections.closeSessions(s, 'session ended');
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}
