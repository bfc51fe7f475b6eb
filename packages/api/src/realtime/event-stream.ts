/**
 * A Server-Sent Events response, held in the connection registry like a WebSocket: it counts
 * against its user's connections and in the connection stats, its session is kept current (a
 * revoked or expired one ends it), a slow reader pauses its stream (`bufferedAmount`), and the
 * keepalive sweep writes a comment into it once it has been quiet for WS_PING_AFTER_MS. Its
 * client never speaks, so nothing answers that comment: a client that closes is noticed at once,
 * one that vanished without a FIN only when the kernel gives up on the unacknowledged writes.
 *
 * It answers to the parts of ws's WebSocket the registry uses: readyState, close, terminate,
 * bufferedAmount and the 'close' event.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { WebSocket } from 'ws';
import type { KeepsItselfAlive } from './keepalive.js';

export class EventStream extends EventEmitter implements KeepsItselfAlive {
  readonly OPEN = WebSocket.OPEN;
  readonly #response: ServerResponse;
  readonly #ended = new AbortController();

  constructor(response: ServerResponse) {
    super();
    this.#response = response;
    response.once('close', () => {
      this.#ended.abort();
      this.emit('close');
    });
  }

  /** Aborts when the stream ends: the client went, or the stream was closed here. */
  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  get readyState(): number {
    return this.#response.writableEnded || this.#response.destroyed ? WebSocket.CLOSED : WebSocket.OPEN;
  }

  /** Bytes written and not yet taken by the client (the response's and its TCP socket's). */
  get bufferedAmount(): number {
    return this.#response.writableLength;
  }

  /** One event: its `id` (to resume after), its `event` name, and its data as one line of JSON. */
  send(id: string | null, event: string, data: unknown): void {
    if (this.readyState !== WebSocket.OPEN) return;
    this.#response.write(`${id === null ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /**
   * A comment line, which clients ignore: keeps proxies and balancers from closing a quiet
   * stream. Nothing answers it (KeepsItselfAlive).
   */
  keepalive(): false {
    if (this.readyState === WebSocket.OPEN) this.#response.write(': keepalive\n\n');
    return false;
  }

  /**
   * Ends the stream with a last `end` event naming the reason (the registry's: session ended,
   * session expired, server shutting down). The code is the WebSocket one, meaningless here.
   */
  close(_code?: number, reason = 'closed'): void {
    if (this.readyState !== WebSocket.OPEN) return;
    this.send(null, 'end', { reason });
    this.#response.end();
  }

  terminate(): void {
    this.#response.destroy();
  }
}
