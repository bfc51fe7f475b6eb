/** A plain WebSocket speaking (or failing to speak) tRPC's protocol, for frames a tRPC client never sends. */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

export interface RawSocket {
  socket: WebSocket;
  /** The next message from the server, parsed ('PING' and 'PONG' as they are). */
  next(): Promise<any>;
  /** Code and reason of the close; never rejects (a reset connection closes with 1006). */
  closed: Promise<{ code: number; reason: string }>;
  /** Sends the connectionParams message that signs the socket in (open it with `?connectionParams=1`). */
  signIn(token: string): void;
}

export async function rawSocket(url: string, query = ''): Promise<RawSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc${query}`);
  const messages: any[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    const text = data.toString();
    messages.push(text === 'PING' || text === 'PONG' ? text : JSON.parse(text));
    waiters.splice(0).forEach((wake) => wake());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('error', () => {});
  await once(socket, 'open');
  return {
    socket,
    closed,
    async next() {
      while (messages.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return messages.shift();
    },
    signIn: (token) => socket.send(JSON.stringify({ method: 'connectionParams', data: { token } })),
  };
}

/** `auth.me` as a tRPC client sends it (superjson input), with call id `id`. */
export function meCall(id: number) {
  return { id, method: 'query', params: { path: 'auth.me', input: { json: null } } };
}

/** A client frame (FIN, text, masked) as the bytes on the wire. */
export function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('short frames only');
  const mask = randomBytes(4);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
}

/** Writes bytes to the socket's TCP connection as they are, in one write: frames split or joined at will. */
export function writeRaw(raw: RawSocket, bytes: Buffer) {
  (raw.socket as unknown as { _socket: Socket })._socket.write(bytes);
}
