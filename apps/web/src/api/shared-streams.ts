/**
 * Subscriptions shared by the tabs of one browser. Only the leading tab subscribes on the
 * server (one upstream per topic, on its one WebSocket); every subscription of every tab,
 * the leader's own included, is a `StreamReader` fed over the tab bus.
 *
 * Nothing missed or doubled, across tabs and across a change of leader:
 * - The hub keeps the events of each upstream since it opened (`floor`, at most BUFFERED).
 *   A reader joining at position `after` gets the kept events after it (`replay`), then the
 *   live ones; a reader behind the floor makes the hub reopen the upstream from the reader's
 *   position, so the server replays from its stream (the others skip what they had).
 * - A reader skips what the leader sends while its `sync` is unanswered: one sender's messages
 *   arrive in order, so the answer (what the hub kept, whether the upstream has started)
 *   already covers them. It drops everything from a tab other than the leader it synced with,
 *   and hands on only ids beyond the last it handed on.
 * - When the leader goes, the next tab to take the lock announces itself; every reader syncs
 *   again from the last id it saw, so the new upstream resumes exactly there.
 */
import type { ConnectionStatus } from './connection-status';
import type { SharedError, StreamEvent, StreamTopic, TabBus, TabMessage } from './tab-bus';

/** Events kept per upstream for readers that join late. */
export const BUFFERED = 500;

export interface StreamSink {
  started(): void;
  data(event: StreamEvent): void;
  error(error: SharedError): void;
  stopped(): void;
}

/** Opens one server subscription from `after` (or from the stream's head); returns how to stop it. */
export type OpenUpstream = (topic: StreamTopic, after: string | undefined, sink: StreamSink) => () => void;

const later = (id: string, than: string) => Number(id) > Number(than);

const topicKey = (topic: StreamTopic) => `${topic.path} ${JSON.stringify(topic.input)}`;

interface Upstream {
  /** The hub has every event after this position (undefined: only since it opened at the head). */
  floor: string | undefined;
  last: string | undefined;
  kept: StreamEvent[];
  started: boolean;
  stop(): void;
}

/**
 * The leading tab's upstreams, one per topic, answering every reader's `sync`. It announces
 * its tab as the leader on creation and to every tab that says hello.
 */
export class StreamHub {
  readonly #upstreams = new Map<string, Upstream>();
  readonly #off: () => void;

  constructor(
    private readonly bus: TabBus,
    private readonly leader: string,
    private readonly open: OpenUpstream,
    status: () => ConnectionStatus,
  ) {
    const announce = () => bus.post({ t: 'leader', leader, status: status() });
    this.#off = bus.on((message) => {
      if (message.t === 'sync') this.#sync(message);
      if (message.t === 'hello') announce();
    });
    announce();
  }

  close() {
    this.#off();
    for (const upstream of this.#upstreams.values()) upstream.stop();
    this.#upstreams.clear();
  }

  #sync({ reader, token, key, topic, after }: Extract<TabMessage, { t: 'sync' }>) {
    let upstream = this.#upstreams.get(key);
    const behind = after !== undefined && (upstream?.floor === undefined || later(upstream.floor, after));
    if (!upstream || behind) upstream = this.#start(key, topic, after);
    const events = after === undefined ? [] : upstream.kept.filter((event) => later(event.id!, after));
    this.bus.post({ t: 'replay', leader: this.leader, reader, token, key, events, started: upstream.started });
  }

  #start(key: string, topic: StreamTopic, after: string | undefined): Upstream {
    this.#upstreams.get(key)?.stop();
    const upstream: Upstream = { floor: after, last: after, kept: [], started: false, stop: () => {} };
    this.#upstreams.set(key, upstream);
    const leader = this.leader;
    const current = () => this.#upstreams.get(key) === upstream;
    const end = () => void this.#upstreams.delete(key);
    upstream.stop = this.open(topic, after, {
      started: () => {
        if (!current()) return;
        upstream.started = true;
        this.bus.post({ t: 'started', leader, key });
      },
      data: (event) => {
        if (!current()) return;
        if (event.id !== undefined) {
          if (upstream.last !== undefined && !later(event.id, upstream.last)) return;
          upstream.last = event.id;
          upstream.kept.push(event);
          if (upstream.kept.length > BUFFERED) upstream.floor = upstream.kept.shift()!.id;
        }
        this.bus.post({ t: 'event', leader, key, event });
      },
      error: (error) => {
        if (!current()) return;
        end();
        this.bus.post({ t: 'error', leader, key, error });
      },
      stopped: () => {
        if (!current()) return;
        end();
        this.bus.post({ t: 'stopped', leader, key });
      },
    });
    return upstream;
  }
}

/** One subscription of one tab, fed by whichever tab leads. */
class StreamReader {
  readonly key: string;
  #leader: string | undefined;
  #token = 0;
  #syncing = false;

  constructor(
    readonly id: string,
    private readonly topic: StreamTopic,
    /** The last event id handed on (or the position to start after). */
    private last: string | undefined,
    private readonly sink: StreamSink,
  ) {
    this.key = topicKey(topic);
  }

  /** Asks `leader` for everything after the last id seen; the answer covers what it sent before. */
  follow(bus: TabBus, leader: string) {
    this.#leader = leader;
    this.#token += 1;
    this.#syncing = true;
    bus.post({ t: 'sync', reader: this.id, token: this.#token, key: this.key, topic: this.topic, after: this.last });
  }

  handle(message: TabMessage) {
    if (!('leader' in message) || message.leader !== this.#leader) return;
    if (message.t === 'replay') {
      if (message.reader !== this.id || message.token !== this.#token) return;
      this.#syncing = false;
      if (message.started) this.sink.started();
      for (const event of message.events) this.#deliver(event);
      return;
    }
    if (this.#syncing || !('key' in message) || message.key !== this.key) return;
    switch (message.t) {
      case 'event':
        return this.#deliver(message.event);
      case 'started':
        return this.sink.started();
      case 'error':
        return this.sink.error(message.error);
      case 'stopped':
        return this.sink.stopped();
    }
  }

  #deliver(event: StreamEvent) {
    if (event.id !== undefined) {
      if (this.last !== undefined && !later(event.id, this.last)) return;
      this.last = event.id;
    }
    this.sink.data(event);
  }
}

/** This tab's readers: they wait for a bus and a leader, and follow each new leader. */
export class TabRelay {
  readonly #readers = new Set<StreamReader>();
  #bus: TabBus | undefined;
  #leader: string | undefined;
  #count = 0;

  constructor(private readonly tab: string) {}

  /** Starts talking to the other tabs; readers made before wait until a leader answers. */
  connect(bus: TabBus) {
    this.#bus = bus;
    bus.on((message) => {
      if (message.t === 'leader' && message.leader !== this.#leader) {
        this.#leader = message.leader;
        for (const reader of this.#readers) reader.follow(bus, message.leader);
      }
      for (const reader of this.#readers) reader.handle(message);
    });
    bus.post({ t: 'hello' });
  }

  read(topic: StreamTopic, after: string | undefined, sink: StreamSink): () => void {
    this.#count += 1;
    const reader = new StreamReader(`${this.tab}:${this.#count}`, topic, after, sink);
    this.#readers.add(reader);
    if (this.#bus && this.#leader) reader.follow(this.#bus, this.#leader);
    return () => void this.#readers.delete(reader);
  }
}
