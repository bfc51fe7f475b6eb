/**
 * rate-limiter-flexible's PostgreSQL store, on the app's own pool: the counts live in the table
 * `rate_limits` (migration 2026_12_02_0001_rate_limits, never created at run time), so every
 * instance shares them.
 */
import { CompiledQuery } from 'kysely';
import type { DB } from '@pms/db';

/** The options every RateLimiterPostgres of the app starts from (add keyPrefix, points, duration). */
export function rateLimitStore(db: DB) {
  return { storeClient: kyselyStoreClient(db), storeType: 'pool', tableName: 'rate_limits', tableCreated: true } as const;
}

/**
 * The store issues node-postgres style `query({ text, values })` calls; this runs them on the app's
 * Kysely pool, so they share its connections, timeouts and error handling instead of a second pool.
 */
function kyselyStoreClient(db: DB) {
  return {
    async query({ text, values = [] }: { text: string; values?: unknown[] }) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      const rowCount = result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows);
      return { rows: result.rows, rowCount };
    },
  };
}
