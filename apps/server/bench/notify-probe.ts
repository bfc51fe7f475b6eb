/**
 * A LISTEN connection of the benchmark's own, beside the servers': when each stream-head
 * announcement (`pms_user_events`) arrives. A commit has happened by then, so this is the second
 * stamp of its instant besides the publisher's (publisher.ts); and it splits commit -> client
 * into what PostgreSQL takes to deliver the NOTIFY and what the server and the socket take after
 * it. It runs in a process of its own (notify-probe-process.ts), at the servers' priority, so
 * that it stamps at once.
 */
import { CHANNELS } from '@pms/api';
import { lookUpArrivals } from './announcements.js';
import { Child, type Message } from './children.js';
import { prioritise, type Priority } from './priority.js';

export interface NotifyProbe {
  /** Its PostgreSQL backend, which forwards each announcement to it. */
  backendPid: number;
  /** The arrivals so far (same clock as the publisher and generators): `userId`'s stream head `seq` -> ms. */
  arrivals(): Promise<(userId: number, seq: number) => number | undefined>;
  stop(): Promise<void>;
}

export async function startNotifyProbe(connectionString: string, priority: Priority): Promise<NotifyProbe> {
  const child = new Child('notify-probe', './notify-probe-process.ts', [], {
    env: { DATABASE_URL: connectionString, BENCH_PROBE_CHANNEL: CHANNELS.events },
  });
  const scheduling = prioritise(child, priority);
  const { backendPid } = await child.next<Message & { backendPid: number }>('ready', 60_000);
  await scheduling.whenReady();
  return {
    backendPid,
    async arrivals() {
      const { arrivals } = await child.request<Message & { arrivals: number[] }>({ type: 'arrivals' }, 30_000);
      return lookUpArrivals(arrivals);
    },
    async stop() {
      await child.request({ type: 'stop' }, 10_000).catch(() => child.kill());
    },
  };
}
