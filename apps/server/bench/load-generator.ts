/**
 * A load-generator process: holds a few thousand client sockets and timestamps what they receive.
 *
 * The clients speak tRPC's WebSocket protocol directly (what wsLink sends on the wire, superjson
 * input included) instead of running a full tRPC client per socket: the server is what is
 * measured, and two cores are shared with it. Requests over IPC:
 * tRPC sockets keep alive as the app's clients do (wsKeepAlive: PING after the socket's own 20-25 s
 * without hearing from the server, give up when no PONG follows; the interval can be fixed), so
 * idle sockets load the server as real ones would.
 *   connect    open sockets from one loopback source address, bounded concurrency and retries
 *   subscribe  start `notifications.onEvent` on every open socket that has none yet; resolves
 *              when all started. Hearing that they started resets their keepalive clocks
 *              together; unless asked to keep them in step, each is then set back by a random
 *              share of its interval, so that their PINGs spread as a steady population's do
 *              instead of arriving as one wave 20-25 s later
 *   stats      counts so far; deliveries  hand over (and forget) recorded deliveries
 *   loop       this process's event-loop delay p99 and max, its GC pauses and its threads' waits
 *              for a core, since the last ask
 *   collect    a full garbage collection (before a phase)
 *   close      terminate every socket
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { wsKeepAlive } from '@pms/shared';
import { BENCH_KEY } from './bench-key.js';
import { clockNow as now, onClock } from './clock.js';
import { serveParent, type Message } from './children.js';
import { watchLoopStalls } from './loop-stalls.js';
import { threadsWaiting } from './machine.js';

export interface SocketTarget {
  /** Global socket index, echoed in delivery records. */
  index: number;
  url: string;
  /** Session token for tRPC sockets; bare sockets have none. */
  token?: string;
}

const CONNECT_TIMEOUT_MS = 15_000;
const CONNECT_ATTEMPTS = 4;
const SUBSCRIPTION_ID = 1;

interface Client {
  index: number;
  socket: WebSocket;
  started: boolean;
  /** A subscription was asked for (started or not). */
  subscribed: boolean;
  /** How this socket keeps alive (none for bare sockets); times on `performance.now()`. */
  keepalive?: { intervalMs: number; pongTimeoutMs: number; heardAt: number; pingedAt: number | null };
}

const clients: Client[] = [];
// A delivery is timestamped when this loop gets to it: its own stalls land in commit -> client.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const loopStalls = watchLoopStalls();
let gcAt: number[] = []; // flat pairs: GC pause start (shared clock), duration
let waitsSince = threadsWaiting();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcAt.push(onClock(entry.startTime), entry.duration);
}).observe({ entryTypes: ['gc'] });
const freshCounts = () => ({ connectFailures: 0, unexpectedCloses: 0, started: 0, stopped: 0, errors: 0, received: 0, pings: 0 });
let counts = freshCounts();
let firstErrors: string[] = [];
let deliveries: number[] = []; // flat triples: socket index, notification key, receive time
let closing = false;

function noteError(text: string) {
  counts.errors++;
  const sample = text.slice(0, 200);
  if (firstErrors.length < 3 && !firstErrors.includes(sample)) firstErrors.push(sample);
}

function onMessage(client: Client, raw: Buffer) {
  const text = raw.toString();
  if (text === 'PING') return void client.socket.send('PONG');
  if (text === 'PONG') return;
  const key = BENCH_KEY.exec(text);
  if (key) {
    counts.received++;
    deliveries.push(client.index, Number(key[1]), now());
  } else if (text.includes('"started"')) {
    if (!client.started) counts.started++;
    client.started = true;
  } else if (text.includes('"stopped"')) {
    counts.stopped++;
  } else if (text.includes('"error"')) {
    noteError(text);
  }
}

function open(target: SocketTarget, localAddress: string): Promise<WebSocket> {
  const url = target.token ? `${target.url}?connectionParams=1` : target.url;
  const socket = new WebSocket(url, { localAddress, handshakeTimeout: CONNECT_TIMEOUT_MS, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.removeAllListeners('error');
      if (target.token) socket.send(JSON.stringify({ method: 'connectionParams', data: { token: target.token } }));
      resolve(socket);
    });
    socket.once('error', (error) => {
      socket.terminate();
      reject(error);
    });
  });
}

/**
 * @trpc/client's keepalive, as seen on the wire: PING after `intervalMs` without hearing anything,
 * close when no PONG follows within `pongTimeoutMs`; anything heard starts the wait again. The
 * browser's client re-arms two timers per message; here one sweep per process reads each
 * socket's `heardAt`, so the process's own timers and garbage stay out of the latency it records.
 * The sweep looks at a slice of the sockets every `KEEPALIVE_TICK_MS` and at all of them every
 * `KEEPALIVE_SWEEP_MS`: a walk over all of a process's 4,750 sockets at once held its loop, and
 * every delivery that arrived meanwhile, 0.8 ms ten times a second (BENCHMARKS.md, twenty-seventh
 * session), a cost that grew with the socket count and that a browser with one socket never pays.
 * A PING leaves at most `KEEPALIVE_SWEEP_MS` later than the client's timer would send it.
 */
function keepAliveLikeTrpcClient(client: Client, { intervalMs, pongTimeoutMs }: ReturnType<typeof wsKeepAlive>): void {
  const keepalive: NonNullable<Client['keepalive']> = { intervalMs, pongTimeoutMs, heardAt: performance.now(), pingedAt: null };
  client.keepalive = keepalive;
  client.socket.on('message', () => {
    keepalive.heardAt = performance.now();
    keepalive.pingedAt = null;
  });
}

const KEEPALIVE_SWEEP_MS = 100;
const KEEPALIVE_TICK_MS = 5;
let sweepNext = 0;

setInterval(() => {
  const at = performance.now();
  const slice = Math.ceil((clients.length * KEEPALIVE_TICK_MS) / KEEPALIVE_SWEEP_MS);
  for (let checked = 0; checked < slice && clients.length > 0; checked++) {
    if (sweepNext >= clients.length) sweepNext = 0;
    const client = clients[sweepNext++]!;
    const keepalive = client.keepalive;
    if (!keepalive || client.socket.readyState !== WebSocket.OPEN) continue;
    if (keepalive.pingedAt === null) {
      if (at - keepalive.heardAt < keepalive.intervalMs) continue;
      client.socket.send('PING');
      counts.pings++;
      keepalive.pingedAt = at;
    } else if (at - keepalive.pingedAt >= keepalive.pongTimeoutMs) {
      noteError('no PONG within the keepalive timeout');
      client.socket.close();
    }
  }
}, KEEPALIVE_TICK_MS).unref();

/** Keepalive interval in ms; 'app': each socket its own, as wsKeepAlive picks; null: none (bare sockets). */
type PingInterval = number | 'app' | null;

async function connect(targets: SocketTarget[], localAddress: string, concurrency: number, pingIntervalMs: PingInterval) {
  let cursor = 0;
  const worker = async () => {
    while (cursor < targets.length) {
      const target = targets[cursor++]!;
      for (let attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
        try {
          const socket = await open(target, localAddress);
          const client: Client = { index: target.index, socket, started: false, subscribed: false };
          if (pingIntervalMs !== null) {
            keepAliveLikeTrpcClient(client, { ...wsKeepAlive(), ...(pingIntervalMs !== 'app' && { intervalMs: pingIntervalMs }) });
          }
          client.socket.on('message', (raw: Buffer) => onMessage(client, raw));
          client.socket.on('error', (error) => noteError(error.message));
          client.socket.on('close', (code, reason) => {
            if (closing) return;
            counts.unexpectedCloses++;
            noteError(`closed by the server: ${code} ${reason.toString()}`);
          });
          clients.push(client);
          break;
        } catch (error) {
          if (attempt === CONNECT_ATTEMPTS) {
            counts.connectFailures++;
            noteError(`connect: ${(error as Error).message}`);
          } else await sleep(100 * attempt);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { open: clients.length };
}

/**
 * Subscribes every open socket not subscribed yet (sockets connected since the last subscribe),
 * keeping at most `window` subscriptions waiting to start.
 */
async function subscribe(path: string, window: number, timeoutMs: number, keepaliveInStep: boolean) {
  const message = JSON.stringify({ id: SUBSCRIPTION_ID, method: 'subscription', params: { path, input: { json: {} } } });
  const deadline = Date.now() + timeoutMs;
  const answeredBefore = counts.started + counts.errors;
  const answered = () => counts.started + counts.errors - answeredBefore;
  const subscribing: Client[] = [];
  for (const client of clients) {
    if (client.subscribed) continue;
    while (subscribing.length - answered() >= window && Date.now() < deadline) await sleep(2);
    client.socket.send(message);
    client.subscribed = true;
    subscribing.push(client);
  }
  while (answered() < subscribing.length && Date.now() < deadline) await sleep(20);
  if (!keepaliveInStep) {
    const at = performance.now();
    for (const { keepalive } of subscribing) if (keepalive) keepalive.heardAt = at - Math.random() * keepalive.intervalMs;
  }
  return { sent: subscribing.length, started: counts.started };
}

async function closeAll() {
  closing = true;
  for (const client of clients) client.socket.terminate();
  clients.length = 0;
  await sleep(50);
  counts = freshCounts();
  firstErrors = [];
  closing = false;
  return {};
}

serveParent(async (message: Message) => {
  switch (message.type) {
    case 'connect':
      return connect(
        message.targets as SocketTarget[],
        String(message.localAddress),
        Number(message.concurrency),
        (message.pingIntervalMs ?? null) as PingInterval,
      );
    case 'subscribe':
      return subscribe(String(message.path), Number(message.window), Number(message.timeoutMs), message.keepaliveInStep === true);
    case 'stats':
      return { ...counts, open: clients.filter((c) => c.socket.readyState === WebSocket.OPEN).length, firstErrors };
    case 'collect':
      // A full collection before a phase, as the servers get one, so that garbage of the
      // connections just opened is not collected (and counted) while deliveries are timed.
      globalThis.gc!();
      await sleep(10); // lets the GC observer note the pause before the phase's 'loop' resets it
      return {};
    case 'loop': {
      // Event-loop delay, GC pauses and waits for a core since the last ask.
      const reply = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6, gcAt, stalls: loopStalls.take(), waitedMs: waitsSince() };
      loopDelay.reset();
      gcAt = [];
      waitsSince = threadsWaiting();
      return reply;
    }
    case 'deliveries': {
      const handed = deliveries;
      deliveries = [];
      return { deliveries: handed };
    }
    case 'close':
      return closeAll();
    case 'stop':
      process.exit(0);
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});
process.send!({ type: 'ready' });
