/**
 * A TCP proxy between a server under test and its PostgreSQL, to stage network faults without
 * touching the database: `hold()` stops passing bytes (a database that does not answer, existing
 * connections and new ones alike) until `release()`; `refuse()` closes new connections at once
 * until `accept()`.
 */
import { createServer, Socket } from 'node:net';
import { once } from 'node:events';

export interface TcpProxy {
  /** `databaseUrl` with its host and port pointed at the proxy. */
  url: string;
  hold(): void;
  release(): void;
  refuse(): void;
  accept(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(databaseUrl: string): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  let holding = false;
  let refusing = false;
  const sockets = new Set<Socket>();
  /** What arrived while holding, per destination, in order. */
  const held = new Map<Socket, Buffer[]>();

  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (!holding) to.write(chunk);
      else if (held.has(to)) held.get(to)!.push(chunk);
      else held.set(to, [chunk]);
    });
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };

  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = new Socket();
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    forward(client, upstream);
    forward(upstream, client);
    upstream.connect(Number(target.port || 5432), target.hostname);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);

  return {
    url: proxied.toString(),
    hold: () => (holding = true),
    release() {
      holding = false;
      for (const [to, chunks] of held) for (const chunk of chunks) to.write(chunk);
      held.clear();
    },
    refuse: () => (refusing = true),
    accept: () => (refusing = false),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
