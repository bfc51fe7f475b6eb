/**
 * Keepalive for every socket, with no timer or closure per socket and no burst of writes.
 *
 * Clients PING after their own 20-25 s of silence (`wsKeepAlive` in @pms/shared): at 19,000 held
 * sockets that is ~800 PINGs a second, which arrive in bursts (many sockets become readable in
 * one turn of the event loop). Answered one by one as they are read, a burst of PONGs held the
 * loop for 40-80 ms of `writev` and delayed every delivery behind it (BENCHMARKS.md, issue 13);
 * tRPC's own keepalive also re-armed two timers per socket on every message, which fed the
 * garbage collector. Here:
 *   - PINGs and PONGs never reach tRPC, and most never reach ws's frame parser either:
 *     `readFirst` recognises a whole keepalive frame as it is read off the TCP socket. Parsing
 *     one in ws stores a dozen short-lived objects into the socket's long-lived parser and
 *     stream state; at 800 a second those stores made every young-generation GC pause 2-3x
 *     longer (BENCHMARKS.md, fifth and sixth sessions). Frames that arrive with others go
 *     through ws as usual and are taken by `absorbs` before tRPC's listener.
 *   - Keepalive frames are written straight to the TCP socket, prebuilt, not through ws's sender.
 *   - Writes are queued and sent in slices of at most `SLICE_MS`, one slice per turn of the
 *     loop, so a delivery waits behind a slice at most, never behind a whole burst.
 *   - A socket silent for `pingAfterMs` gets a PING from the server; one still silent
 *     `pongWaitMs` after it is terminated (a peer that vanished without a FIN). Silence is read
 *     off each record's `heardAt` by a sweep that walks the sockets a slice per tick.
 *   - A socket class may keep its sockets alive its own way instead (KeepsItselfAlive): an event
 *     stream writes a comment, which nothing answers; a socket of the original WebSocket
 *     protocol, whose clients know no PING text, sends a WebSocket ping frame.
 */
import { Writable, type Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { bucketClock, elapsedOnClock } from './socket-limits.js';

export interface KeepaliveOptions {
  /** Silence after which the server PINGs a socket (clients PING first, after 20-25 s). */
  pingAfterMs: number;
  /** How long a PINGed socket has to answer before it is terminated. */
  pongWaitMs: number;
}

/** A socket that keeps itself alive its own way (see above). */
export interface KeepsItselfAlive {
  /** Sends its keepalive; true when an answer will come (it must then within `pongWaitMs`). */
  keepalive(): boolean;
}

/** What the keepalive reads and writes on a socket's record. */
export interface Heard {
  socket: WebSocket | (KeepsItselfAlive & { terminate(): void });
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
/** Whole server frames (FIN, text, unmasked, 4 bytes), written as they are. */
const PING_FRAME = Buffer.from([0x81, 0x04, ...PING]);
const PONG_FRAME = Buffer.from([0x81, 0x04, ...PONG]);

/** The parts of ws's internals the fast path uses: the TCP socket and the frame parser. */
interface WebSocketInternals {
  _socket: Duplex;
  _receiver: Writable & { _state: number; _bufferedBytes: number };
}
/** ws's Receiver state between frames (GET_INFO in ws/lib/receiver.js). */
const RECEIVER_BETWEEN_FRAMES = 0;

/**
 * 'PING' or 'PONG' when the chunk is exactly one client keepalive frame (FIN, text, masked, 4
 * bytes of payload), else null.
 */
export function keepaliveFrame(chunk: Buffer): 'PING' | 'PONG' | null {
  if (chunk.length !== 10 || chunk[0] !== 0x81 || chunk[1] !== 0x84) return null;
  const byte = (i: number) => chunk[6 + i]! ^ chunk[2 + i]!; // payload byte i, unmasked
  if (byte(0) !== 0x50 || byte(2) !== 0x4e || byte(3) !== 0x47) return null; // P?NG
  return byte(1) === 0x49 ? 'PING' : byte(1) === 0x4f ? 'PONG' : null;
}

export class Keepalive {
  /** Sockets and the frames to send them, in order; sent from `#head` on. */
  #sockets: WebSocket[] = [];
  #frames: Buffer[] = [];
  #head = 0;
  #draining = false;
  #sweep: NodeJS.Timeout | null = null;
  #walk: Iterator<Heard> | null = null;
  /** The property under which ws's Receiver keeps its WebSocket (ws's private `kWebSocket`). */
  #receiverSocketKey: symbol | undefined;
  /** Installed as each Receiver's `write`: one function for all sockets, no closure per socket. */
  readonly #receiverWrite: Writable['write'];

  constructor(
    readonly options: KeepaliveOptions,
    /** The records to watch; walked a slice at a time, and again from the start when done. */
    private readonly records: () => { size: number; values(): Iterator<Heard> },
    /** The registry's checks for a message (session, rate), which also mark the socket heard. */
    private readonly admit: (socket: WebSocket, message: Buffer) => boolean,
  ) {
    const keepalive = this;
    const write = Writable.prototype.write;
    this.#receiverWrite = function (this: WebSocketInternals['_receiver'], chunk: unknown, encoding?: BufferEncoding) {
      return keepalive.#takes(this, chunk) || write.call(this, chunk, encoding as BufferEncoding);
    } as Writable['write'];
  }

  /**
   * Lets this class read the socket's keepalive frames before ws parses them: called once the
   * socket is set up (ws's `setSocket`).
   */
  readFirst(socket: WebSocket): void {
    const receiver = (socket as unknown as WebSocketInternals)._receiver;
    this.#receiverSocketKey ??= Object.getOwnPropertySymbols(receiver).find((key) => Reflect.get(receiver, key) === socket);
    if (this.#receiverSocketKey) receiver.write = this.#receiverWrite;
  }

  /**
   * Answers a chunk that is exactly one keepalive frame, when ws's parser holds nothing (so no
   * frame is overtaken); anything else is left to ws.
   */
  #takes(receiver: WebSocketInternals['_receiver'], chunk: unknown): boolean {
    if (!Buffer.isBuffer(chunk)) return false;
    const frame = keepaliveFrame(chunk);
    if (!frame || receiver._state !== RECEIVER_BETWEEN_FRAMES || receiver._bufferedBytes !== 0) return false;
    if (receiver.writableLength !== 0 || receiver.destroyed) return false;
    const socket = Reflect.get(receiver, this.#receiverSocketKey!) as WebSocket | undefined;
    if (!socket) return false;
    if (this.admit(socket, frame === 'PING' ? PING : PONG) && frame === 'PING') this.#send(socket, PONG_FRAME);
    return true;
  }

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
      this.#send(socket, PONG_FRAME);
      return true;
    }
    return data.equals(PONG);
  }

  #send(socket: WebSocket, frame: Buffer): void {
    this.#sockets.push(socket);
    this.#frames.push(frame);
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(this.#drain);
  }

  /** Sends queued messages for up to SLICE_MS, then yields the loop to whatever else is ready. */
  #drain = (): void => {
    const began = performance.now();
    while (this.#head < this.#sockets.length) {
      const socket = this.#sockets[this.#head]!;
      const frame = this.#frames[this.#head]!;
      this.#head++;
      // Whole frames: ws's sender writes its own whole too (no compression here), so the two interleave safely.
      if (socket.readyState === WebSocket.OPEN) (socket as unknown as WebSocketInternals)._socket.write(frame);
      if ((this.#head & 15) === 0 && performance.now() - began >= SLICE_MS) break;
    }
    if (this.#head < this.#sockets.length) {
      setImmediate(this.#drain);
      return;
    }
    this.#sockets.length = 0;
    this.#frames.length = 0;
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
      record.heardAt = now;
      if ('keepalive' in record.socket) {
        record.pinged = record.socket.keepalive();
        return;
      }
      record.pinged = true;
      this.#send(record.socket, PING_FRAME);
    }
  }
}
