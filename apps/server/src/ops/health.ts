/**
 * Probes for orchestrators and load balancers. Neither says anything about the instance beyond
 * its state: no names, versions or error messages.
 *   GET /healthz  alive: the process answers HTTP (no database call), so a restart would not help
 *                 while it does.
 *   GET /readyz   ready for traffic: the database answers `select 1` and the LISTEN connection is
 *                 up (without it, live events would not arrive). Answers within `timeoutMs` even
 *                 when the database hangs.
 */
import type { ServerResponse } from 'node:http';
import { sql } from 'kysely';
import type { Realtime } from '@pms/api';
import type { DB } from '@pms/db';

export interface Probes {
  alive(res: ServerResponse): void;
  ready(res: ServerResponse): Promise<void>;
}

export function createProbes(db: DB, realtime: Realtime, timeoutMs: number): Probes {
  // One `select 1` in flight at most: probes against a hung database must not fill the pool.
  let inFlight: Promise<boolean> | null = null;
  const databaseAnswers = () =>
    (inFlight ??= sql`select 1`.execute(db).then(
      () => true,
      () => false,
    ).finally(() => (inFlight = null)));

  const within = (check: Promise<boolean>) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    return Promise.race([check, late]).finally(() => clearTimeout(timer));
  };

  return {
    alive: (res) => answer(res, 200, 'ok'),
    async ready(res) {
      const ready = realtime.listener.listening && (await within(databaseAnswers()));
      answer(res, ready ? 200 : 503, ready ? 'ready' : 'unavailable');
    },
  };
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status: text }));
}
