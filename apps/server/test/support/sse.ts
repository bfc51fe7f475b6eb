/**
 * A raw Server-Sent Events client over node:http, as another language's would be: the frames are
 * parsed here (text/event-stream: `field: value` lines, a blank line ends an event, `:` starts a
 * comment), not by any library.
 */
import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id: string | null;
  event: string;
  data: any;
}

export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  #taken = 0;
  #buffer = '';
  #ended = false;
  #waiters: Array<() => void> = [];

  private constructor(
    readonly response: IncomingMessage,
    private readonly abort: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.#read(chunk));
    response.on('close', () => this.#wake(() => (this.#ended = true)));
  }

  /**
   * Opens `GET url` with `headers`; resolves with the response once its headers came (read the
   * status before using the stream; a refusal's JSON body is in `json()`).
   */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => resolve(new SseStream(response, () => req.destroy())));
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** The body of a refusal, as JSON. */
  async json(): Promise<any> {
    while (!this.#ended) await this.#next();
    return JSON.parse(this.#buffer);
  }

  /** The next `count` events not taken yet (the test's timeout bounds the wait). */
  async take(count: number): Promise<SseEvent[]> {
    while (this.events.length < this.#taken + count) {
      if (this.#ended) throw new Error(`the stream ended after ${this.events.length} events`);
      await this.#next();
    }
    const events = this.events.slice(this.#taken, this.#taken + count);
    this.#taken += count;
    return events;
  }

  /** Waits until the server has ended the stream. */
  async ended(): Promise<void> {
    while (!this.#ended) await this.#next();
  }

  /** Waits for the next comment line. */
  async comment(): Promise<string> {
    const seen = this.comments.length;
    while (this.comments.length === seen) {
      if (this.#ended) throw new Error('the stream ended');
      await this.#next();
    }
    return this.comments[seen]!;
  }

  /** Disconnects, as a client that goes away. */
  close(): void {
    this.abort();
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    if (this.status !== 200) return; // a refusal's JSON, read whole by json()
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      this.#wake(() => this.#frame(block));
    }
  }

  #frame(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) this.events.push({ id, event, data: JSON.parse(data.join('\n')) });
  }

  #next(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(update: () => void): void {
    update();
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
