/**
 * One WebSocket per browser. The tabs signed in as one user elect a leader with a Web Lock
 * (`navigator.locks`); the leader alone opens the socket, subscribes on the server and passes
 * every event and its connection state to the other tabs over a BroadcastChannel
 * (shared-streams.ts). The others make their queries and mutations over HTTP: calls need no
 * relay, and one tab's call never waits on another tab. A tab that closes releases the lock at
 * once; the next one in line takes it, opens the socket and resumes from the last event id.
 * A tab still opens its socket at once, as a lone tab always did (the session check goes over
 * it); finding the lock taken, it lets the socket go once the calls on it are answered.
 *
 * Names are per user, so tabs of another user (after a logout and a login elsewhere) never
 * share a socket or hear each other's events. Without Web Locks (a plain-HTTP origin other
 * than localhost) every tab leads its own socket and hears only itself, as before.
 */

export const sharedName = (userId: number) => `pms-live:user:${userId}`;

export const canShareSocket = () => typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel !== 'undefined';

export interface Election {
  /** This tab holds the lock: from now on it leads. */
  lead(): void;
  /** Another tab held it when this one asked first: this one waits in line. */
  follow(): void;
}

/** Asks for the lock `name` at once, else waits in line for it; returns how to give it up or stop waiting. */
export function leadWhenFree(name: string, election: Election): () => void {
  const stopped = new AbortController();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const hold = () => {
    if (stopped.signal.aborted) return undefined; // given up meanwhile: released at once
    election.lead();
    return held; // kept until this tab closes or signs out
  };
  void navigator.locks.request(name, { ifAvailable: true }, (lock) => {
    if (lock) return hold();
    if (stopped.signal.aborted) return undefined;
    election.follow();
    navigator.locks.request(name, { signal: stopped.signal }, hold).catch((error: unknown) => {
      if (!(error instanceof DOMException && error.name === 'AbortError')) throw error;
    });
    return undefined;
  });
  return () => {
    stopped.abort();
    release();
  };
}

/** An id for this tab (`crypto.randomUUID` needs a secure context, and uniqueness is all this needs). */
export const newTabId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
