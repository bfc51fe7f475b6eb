/**
 * Child processes of the benchmark: a server or a load generator, each run by node (a TypeScript
 * entry through the tsx loader, a bundled `.js` one as it is), with an IPC channel and its soft
 * open-file limit raised to the hard one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX_LOADER = import.meta.resolve('tsx');

/** Every message over IPC carries a `type`; requests carry an `id` that their reply echoes. */
export interface Message {
  type: string;
  id?: number;
  [field: string]: unknown;
}

export class Child {
  readonly #process: ChildProcess;
  readonly #waiting = new Map<number, (reply: Message) => void>();
  readonly #listeners = new Set<(message: Message) => void>();
  #nextId = 1;
  #exited = false;

  constructor(
    readonly name: string,
    entry: string,
    args: string[],
    options: { env?: Record<string, string>; nodeFlags?: string[] } = {},
  ) {
    const script = fileURLToPath(new URL(entry, import.meta.url));
    const loader = script.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
    const node = [process.execPath, ...(options.nodeFlags ?? []), ...loader, script, ...args];
    // A shell raises the soft fd limit to the hard one, then becomes node (exec keeps the IPC fd).
    this.#process = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...node], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    this.#process.on('message', (message: Message) => {
      const resolve = message.id === undefined ? undefined : this.#waiting.get(message.id);
      if (resolve) {
        this.#waiting.delete(message.id!);
        resolve(message);
      }
      for (const listener of this.#listeners) listener(message);
    });
    this.#process.on('exit', () => (this.#exited = true));
    // A kill that finds the process gone already (Ctrl-C reaches the whole process group) is fine.
    this.#process.on('error', (error) => {
      if (!this.#exited) console.error(`[bench] ${name}: ${error.message}`);
    });
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Sends a request and resolves with the child's reply, or rejects after `timeoutMs`. */
  request<T extends Message>(message: Message, timeoutMs: number): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`${this.name}: no reply to ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.type === 'error') reject(new Error(`${this.name}: ${String(reply.message)}`));
        else resolve(reply as T);
      });
      this.#process.send({ ...message, id });
    });
  }

  /** The first unsolicited message of this type, e.g. 'ready'. */
  next<T extends Message>(type: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`${this.name}: no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: Message) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(message as T);
      };
      this.#listeners.add(listener);
      this.#process.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}) before ${type}`));
      });
    });
  }

  /** Asks the child to stop, then kills it if it has not gone within `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    if (this.#process.connected) this.#process.send({ type: 'stop' });
    const timer = setTimeout(() => {
      console.error(`[bench] ${this.name} did not stop within ${graceMs / 1000} s: killing it`);
      this.kill();
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.#exited && this.#process.pid) this.#process.kill('SIGKILL');
  }
}

/**
 * The child side: answers requests with `handler`'s result (or an error message), and exits
 * when the parent goes away, so a crashed benchmark leaves nothing behind.
 */
export function serveParent(handler: (message: Message) => Promise<Record<string, unknown>> | Record<string, unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Message) => {
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (reply) => process.send?.({ type: message.type, ...reply, id: message.id }),
        (error: Error) => process.send?.({ type: 'error', message: error.message, id: message.id }),
      );
  });
}
