/**
 * A client of the original WebSocket protocol (`/api/notifications/ws`), as the original scripts
 * are: plain `ws` and JSON, a ticket fetched over plain HTTP.
 */
import { WebSocket } from 'ws';

/** A stream ticket for the person behind `token`, from POST /api/v1/stream-tickets. */
export async function streamTicket(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/stream-tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`POST /api/v1/stream-tickets: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { ticket: string }).ticket;
}

/** A message from the server: JSON parsed, other text as it came. */
export type Message = Record<string, any> | string;

export class CompatSocket {
  readonly received: Message[] = [];
  /** Close code and reason, once closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  #taken = 0;
  #waiters: Array<() => void> = [];
  #isClosed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '(binary)' : data.toString();
      this.#wake(() => this.received.push(text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : text));
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.#wake(() => (this.#isClosed = true));
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** Opens `ws://…/api/notifications/ws` with these query parameters. */
  static open(url: string, query: Record<string, string>): CompatSocket {
    const search = new URLSearchParams(query).toString();
    return new CompatSocket(new WebSocket(`${url.replace('http', 'ws')}/api/notifications/ws${search ? `?${search}` : ''}`));
  }

  /** Opens a socket with a new ticket of `token`'s person (and `lastEventId`), and takes its connection_established. */
  static async connect(url: string, token: string, lastEventId?: string): Promise<{ socket: CompatSocket; established: Record<string, any> }> {
    const ticket = await streamTicket(url, token);
    const socket = CompatSocket.open(url, lastEventId === undefined ? { token: ticket } : { token: ticket, lastEventId });
    const [established] = await socket.take(1);
    if (typeof established === 'string' || established?.type !== 'connection_established') throw new Error(`expected connection_established, got ${JSON.stringify(established)}`);
    return { socket, established };
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The next `count` messages not taken yet (the test's timeout bounds the wait). */
  async take(count: number): Promise<Message[]> {
    while (this.received.length < this.#taken + count) {
      if (this.#isClosed) throw new Error(`closed after ${this.received.length} messages: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const messages = this.received.slice(this.#taken, this.#taken + count);
    this.#taken += count;
    return messages;
  }

  /** Sends `ping` and takes messages up to its `pong`: all the server sent before it, in order. */
  async untilPong(): Promise<Message[]> {
    this.send('ping');
    const messages: Message[] = [];
    for (;;) {
      const [message] = await this.take(1);
      if (message === 'pong') return messages;
      messages.push(message!);
    }
  }

  close(): void {
    this.socket.close();
  }

  #wake(update: () => void): void {
    update();
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
