/**
 * A LISTEN connection of the benchmark's own, beside the servers': when each stream-head
 * announcement (`pms_user_events`) arrives. It splits commit -> client into what PostgreSQL
 * takes to deliver the NOTIFY and what the server and the socket take after it.
 */
import pg from 'pg';
import { CHANNELS } from '@pms/api';

export interface NotifyProbe {
  /** Arrival time (same clock as the publisher and generators) of `userId`'s stream head `seq`. */
  arrivalOf(userId: number, seq: number): number | undefined;
  stop(): Promise<void>;
}

export async function startNotifyProbe(connectionString: string): Promise<NotifyProbe> {
  const arrivals = new Map<string, number>();
  const client = new pg.Client({ connectionString });
  client.on('notification', ({ payload }) => {
    const at = performance.timeOrigin + performance.now();
    const { h } = JSON.parse(payload ?? '{}') as { h?: Array<[number, number]> };
    for (const [userId, seq] of h ?? []) arrivals.set(`${userId}:${seq}`, at);
  });
  client.on('error', () => {}); // a lost probe only loses the split, not the run
  await client.connect();
  await client.query(`LISTEN ${client.escapeIdentifier(CHANNELS.events)}`);
  return {
    arrivalOf: (userId, seq) => arrivals.get(`${userId}:${seq}`),
    stop: () => client.end().catch(() => {}),
  };
}
