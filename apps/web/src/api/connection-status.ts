import type { TRPCWebSocketClient } from '@trpc/client';
import type { TabBus } from './tab-bus';

/** What the header's indicator shows. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

type SocketState = TRPCWebSocketClient['connectionState'] extends { get(): infer S } ? S : never;

export interface ConnectionFacts {
  socket: SocketState['state'];
  /** The socket's last attempt failed or it was dropped. */
  failed: boolean;
  everConnected: boolean;
  browserOnline: boolean;
}

export function describeConnection(facts: ConnectionFacts): ConnectionStatus {
  if (!facts.browserOnline || facts.socket === 'idle') return 'offline';
  if (facts.socket === 'pending') return 'connected';
  return facts.everConnected || facts.failed ? 'reconnecting' : 'connecting';
}

/**
 * A connection status for `useSyncExternalStore`, and listeners for the socket coming back after
 * a drop: what both the tab's own monitor and the status shared by the leading tab offer.
 */
abstract class StatusStore {
  #status: ConnectionStatus;
  #listeners = new Set<() => void>();
  #reconnectListeners = new Set<() => void>();

  constructor(initial: ConnectionStatus) {
    this.#status = initial;
  }

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  getSnapshot = () => this.#status;

  /** Called each time the socket reconnects after having been connected. */
  onReconnected(listener: () => void) {
    this.#reconnectListeners.add(listener);
    return () => void this.#reconnectListeners.delete(listener);
  }

  dispose() {
    this.#listeners.clear();
    this.#reconnectListeners.clear();
  }

  protected setStatus(status: ConnectionStatus) {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#listeners) listener();
  }

  protected reconnected() {
    for (const listener of this.#reconnectListeners) listener();
  }
}

/**
 * Follows one WebSocket client's state and the browser's online flag, and tells listeners when
 * the socket comes back after a drop.
 */
export class ConnectionMonitor extends StatusStore {
  #facts: ConnectionFacts;
  #stop: () => void;

  constructor(client: TRPCWebSocketClient) {
    const initial = client.connectionState.get();
    const facts: ConnectionFacts = { socket: initial.state, failed: false, everConnected: false, browserOnline: navigator.onLine };
    super(describeConnection(facts));
    this.#facts = facts;

    const subscription = client.connectionState.subscribe({
      next: (state) => {
        const cameBack = state.state === 'pending' && this.#facts.everConnected && this.#facts.socket !== 'pending';
        this.#update({
          socket: state.state,
          failed: state.error !== null,
          everConnected: this.#facts.everConnected || state.state === 'pending',
        });
        if (cameBack) this.reconnected();
      },
    });
    const online = () => this.#update({ browserOnline: true });
    const offline = () => this.#update({ browserOnline: false });
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    this.#stop = () => {
      subscription.unsubscribe();
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }

  override dispose() {
    this.#stop();
    super.dispose();
  }

  #update(change: Partial<ConnectionFacts>) {
    this.#facts = { ...this.#facts, ...change };
    this.setStatus(describeConnection(this.#facts));
  }
}

/**
 * The connection state every tab shows: that of the leading tab's socket, as the leader
 * announces it on the tab bus (the leader hears its own announcements too). Until a leader
 * answers, connecting.
 */
export class SharedConnectionStatus extends StatusStore {
  #leader: string | undefined;

  constructor() {
    super('connecting');
  }

  follow(bus: TabBus) {
    bus.on((message) => {
      if (message.t === 'leader') this.#leader = message.leader;
      if ('leader' in message && message.leader !== this.#leader) return; // an old leader's last words
      if (message.t === 'leader' || message.t === 'status') this.setStatus(message.status);
      if (message.t === 'reconnected') this.reconnected();
    });
  }
}
