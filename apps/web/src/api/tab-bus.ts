import type { ConnectionStatus } from './connection-status';

/** One event of a subscription: `id` is its stream position (tRPC `tracked`), when it has one. */
export interface StreamEvent {
  id?: string;
  data: unknown;
}

/** A subscription apart from where it starts: its path and its input without `lastEventId`. */
export interface StreamTopic {
  path: string;
  input: Record<string, unknown>;
}

/** A TRPCClientError as it crosses to another tab (structured clone keeps no class). */
export interface SharedError {
  message: string;
  shape: unknown;
}

/**
 * What the tabs of one browser (and one signed-in user) say to each other. `leader` names the
 * tab that sent it; a reader is one subscription in some tab (see shared-streams.ts).
 */
export type TabMessage =
  /** A tab opened: the leader, if any, answers with `leader`. */
  | { t: 'hello' }
  | { t: 'leader'; leader: string; status: ConnectionStatus }
  | { t: 'status'; leader: string; status: ConnectionStatus }
  | { t: 'reconnected'; leader: string }
  | { t: 'sync'; reader: string; token: number; key: string; topic: StreamTopic; after: string | undefined }
  | { t: 'replay'; leader: string; reader: string; token: number; key: string; events: StreamEvent[]; started: boolean }
  | { t: 'event'; leader: string; key: string; event: StreamEvent }
  | { t: 'started' | 'stopped'; leader: string; key: string }
  | { t: 'error'; leader: string; key: string; error: SharedError };

/**
 * A BroadcastChannel that also hands each message to this tab's own listeners (a channel
 * never delivers to its sender), so the leading tab reads its own streams the way the
 * others do. Messages from one sender arrive in the order sent.
 */
export class TabBus {
  readonly #channel: BroadcastChannel;
  readonly #listeners = new Set<(message: TabMessage) => void>();
  #closed = false;

  constructor(name: string) {
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent<TabMessage>) => this.#dispatch(event.data);
  }

  post(message: TabMessage) {
    if (this.#closed) return;
    this.#channel.postMessage(message);
    queueMicrotask(() => this.#dispatch(message));
  }

  on(listener: (message: TabMessage) => void) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  close() {
    this.#closed = true;
    this.#listeners.clear();
    this.#channel.close();
  }

  #dispatch(message: TabMessage) {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener(message);
  }
}
