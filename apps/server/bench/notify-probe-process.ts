/**
 * The benchmark's own LISTEN connection (notify-probe.ts), in a process of its own: nothing else
 * runs on its loop, so it stamps each stream-head announcement as it arrives. Answers over IPC:
 * `arrivals` (flat triples: user id, head seq, ms on the shared clock, since the last ask) and `stop`.
 */
import pg from 'pg';
import { recordHeads } from './announcements.js';
import { serveParent } from './children.js';
import { clockNow } from './clock.js';

let arrivals: number[] = [];
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
client.on('notification', ({ payload }) => {
  recordHeads(arrivals, payload, clockNow());
});
client.on('error', () => {}); // a lost probe only loses its stamps, not the run
await client.connect();
await client.query(`LISTEN ${client.escapeIdentifier(process.env.BENCH_PROBE_CHANNEL!)}`);
const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');

serveParent(async (message) => {
  switch (message.type) {
    case 'arrivals': {
      const reply = { arrivals };
      arrivals = [];
      return reply;
    }
    case 'stop':
      await client.end().catch(() => {});
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});
process.send!({ type: 'ready', backendPid: rows[0]!.pid });
