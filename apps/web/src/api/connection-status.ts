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
 * Follows one WebSocket client's state and the browser's online flag, for
 * `useSyncExternalStore`, and tells listeners when the socket comes back after a drop.
 */
export class ConnectionMonitor {
  #facts: ConnectionFacts;
  #status: ConnectionStatus;
  #listeners = new Set<() => void>();
  #reconnectListeners = new Set<() => void>();
  #stop: () => void;

  constructor(client: TRPCWebSocketClient) {
    const initial = client.connectionState.get();
    this.#facts = { socket: initial.state, failed: false, everConnected: false, browserOnline: navigator.onLine };
    this.#status = describeConnection(this.#facts);

    const subscription = client.connectionState.subscribe({
      next: (state) => {
        const cameBack = state.state === 'pending' && this.#facts.everConnected && this.#facts.socket !== 'pending';
        this.#update({
          socket: state.state,
          failed: state.error !== null,
          everConnected: this.#facts.everConnected || state.state === 'pending',
        });
        if (cameBack) for (const listener of this.#reconnectListeners) listener();
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
    this.#stop();
    this.#listeners.clear();
    this.#reconnectListeners.clear();
  }

  #update(change: Partial<ConnectionFacts>) {
    this.#facts = { ...this.#facts, ...change };
    const status = describeConnection(this.#facts);
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#listeners) listener();
  }
}

/**
 * The connection state every tab shows: that of the leading tab's socket, as the leader
 * announces it on the tab bus (the leader hears its own announcements too). Until a leader
 * answers, connecting.
 */
export class SharedConnectionStatus {
  #status: ConnectionStatus = 'connecting';
  #leader: string | undefined;
  #listeners = new Set<() => void>();
  #reconnectListeners = new Set<() => void>();

  follow(bus: TabBus) {
    bus.on((message) => {
      if (message.t === 'leader') this.#leader = message.leader;
      if ('leader' in message && message.leader !== this.#leader) return; // an old leader's last words
      if (message.t === 'leader' || message.t === 'status') this.#set(message.status);
      if (message.t === 'reconnected') for (const listener of this.#reconnectListeners) listener();
    });
  }

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  getSnapshot = () => this.#status;

  /** Called each time the leader's socket reconnects after having been connected. */
  onReconnected(listener: () => void) {
    this.#reconnectListeners.add(listener);
    return () => void this.#reconnectListeners.delete(listener);
  }

  dispose() {
    this.#listeners.clear();
    this.#reconnectListeners.clear();
  }

  #set(status: ConnectionStatus) {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#listeners) listener();
  }
}
