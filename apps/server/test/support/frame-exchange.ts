/** A tRPC WebSocket spoken to by hand: frames no client would send, and everything the server answers. */
import { once } from 'node:events';
import { WebSocket } from 'ws';

export class FrameExchange {
  #socket: WebSocket;
  #messages: string[] = [];
  #sentinels = 0;
  #onMessage: (() => void) | null = null;
  /** The close code, once the server closed the socket. */
  closeCode: number | null = null;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      this.#messages.push(String(data));
      this.#onMessage?.();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.#onMessage?.();
    });
  }

  /** Opens a socket signed in with `token` (sent as a browser would send its cookie: with the upgrade), or anonymous. */
  static async open(url: string, token: string | null): Promise<FrameExchange> {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await once(socket, 'open');
    return new FrameExchange(socket);
  }

  get open(): boolean {
    return this.closeCode === null;
  }

  /**
   * Sends `frame`, then a query of its own, and resolves with every message received until that
   * query's answer (or the socket's close). Frames are read in order, so anything the server
   * answers at once about `frame` is among them; slower answers arrive with a later call's.
   */
  async exchange(frame: string): Promise<string[]> {
    const sentinel = `sentinel-${++this.#sentinels}`;
    this.#socket.send(frame);
    this.#socket.send(JSON.stringify({ id: sentinel, method: 'query', params: { path: 'auth.me', input: { json: null } } }));
    while (this.open && !this.#messages.some((message) => message.includes(`"${sentinel}"`))) {
      await new Promise<void>((resolve) => (this.#onMessage = resolve));
    }
    this.#onMessage = null;
    return this.#messages.splice(0);
  }

  close(): void {
    this.#socket.close();
  }
}
