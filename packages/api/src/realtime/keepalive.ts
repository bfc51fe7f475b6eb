/**
 * Keepalive for every socket, with no timer or closure per socket and no burst of writes.
 *
 * Clients PING after their own 20-25 s of silence (`wsKeepAlive` in @pms/shared): at 19,000 held
 * sockets that is ~800 PINGs a second, which arrive in bursts (many sockets become readable in
 * one turn of the event loop). Answered one by one as they are read, a burst of PONGs held the
 * loop for 40-80 ms of `writev` and delayed every delivery behind it (BENCHMARKS.md, issue 13);
 * tRPC's own keepalive also re-armed two timers per socket on every message, which fed the
 * garbage collector. Here:
 *   - PINGs and PONGs never reach tRPC: `absorbs` takes them before its listener.
 *   - Writes are queued and sent in slices of at most `SLICE_MS`, one slice per turn of the
 *     loop, so a delivery waits behind a slice at most, never behind a whole burst.
 *   - A socket silent for `pingAfterMs` gets a PING from the server; one still silent
 *     `pongWaitMs` after it is terminated (a peer that vanished without a FIN). Silence is read
 *     off each record's `heardAt` by a sweep that walks the sockets a slice per tick.
 */
import { WebSocket, type RawData } from 'ws';
import { bucketClock, elapsedOnClock } from './socket-limits.js';

export interface KeepaliveOptions {
  /** Silence after which the server PINGs a socket (clients PING first, after 20-25 s). */
  pingAfterMs: number;
  /** How long a PINGed socket has to answer before it is terminated. */
  pongWaitMs: number;
}

/** What the keepalive reads and writes on a socket's record. */
export interface Heard {
  socket: WebSocket;
  /** When the socket last sent anything, or when the server PINGed it, on `bucketClock()`. */
  heardAt: number;
  /** Whether the server PINGed it and awaits an answer (any message is one). */
  pinged: boolean;
}

/** The longest a slice of queued writes holds the event loop. */
const SLICE_MS = 2;
/** The sweep's tick, and how long one walk over all sockets takes at most. */
const SWEEP_TICK_MS = 250;
const SWEEP_PASS_MS = 5_000;

const PING = Buffer.from('PING');
const PONG = Buffer.from('PONG');
const TEXT = { binary: false };

export class Keepalive {
  /** Sockets and what to send them, in order; sent from `#head` on. */
  #sockets: WebSocket[] = [];
  #messages: Buffer[] = [];
  #head = 0;
  #draining = false;
  #sweep: NodeJS.Timeout | null = null;
  #walk: Iterator<Heard> | null = null;

  constructor(
    readonly options: KeepaliveOptions,
    /** The records to watch; walked a slice at a time, and again from the start when done. */
    private readonly records: () => { size: number; values(): Iterator<Heard> },
  ) {}

  start(): void {
    this.#sweep ??= setInterval(() => this.#sweepSlice(bucketClock()), SWEEP_TICK_MS).unref();
  }

  stop(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  /**
   * True when the message is keepalive traffic, which only this class answers: a PING gets a
   * PONG, a PONG needs nothing (the message itself counts as heard).
   */
  absorbs(socket: WebSocket, data: RawData, isBinary: boolean): boolean {
    if (isBinary || !Buffer.isBuffer(data) || data.length !== 4) return false;
    if (data.equals(PING)) {
      this.#send(socket, PONG);
      return true;
    }
    return data.equals(PONG);
  }

  #send(socket: WebSocket, message: Buffer): void {
    this.#sockets.push(socket);
    this.#messages.push(message);
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(this.#drain);
  }

  /** Sends queued messages for up to SLICE_MS, then yields the loop to whatever else is ready. */
  #drain = (): void => {
    const began = performance.now();
    while (this.#head < this.#sockets.length) {
      const socket = this.#sockets[this.#head]!;
      const message = this.#messages[this.#head]!;
      this.#head++;
      if (socket.readyState === WebSocket.OPEN) socket.send(message, TEXT);
      if ((this.#head & 15) === 0 && performance.now() - began >= SLICE_MS) break;
    }
    if (this.#head < this.#sockets.length) {
      setImmediate(this.#drain);
      return;
    }
    this.#sockets.length = 0;
    this.#messages.length = 0;
    this.#head = 0;
    this.#draining = false;
  };

  /** Looks at the next share of the records: a full walk takes SWEEP_PASS_MS. */
  #sweepSlice(now: number): void {
    const records = this.records();
    let budget = Math.max(64, Math.ceil((records.size * SWEEP_TICK_MS) / SWEEP_PASS_MS));
    this.#walk ??= records.values();
    while (budget-- > 0) {
      const next = this.#walk.next();
      if (next.done) {
        this.#walk = null;
        return;
      }
      this.#check(next.value, now);
    }
  }

  #check(record: Heard, now: number): void {
    const silentMs = elapsedOnClock(record.heardAt, now);
    if (record.pinged) {
      if (silentMs >= this.options.pongWaitMs) record.socket.terminate();
    } else if (silentMs >= this.options.pingAfterMs) {
      record.pinged = true;
      record.heardAt = now;
      this.#send(record.socket, PING);
    }
  }
}
