import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 (ids, counts, sequence numbers) as JS numbers: every value we store stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// Dates stay plain 'YYYY-MM-DD' strings: no time zone can shift a due date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DB = Kysely<Database>;

export interface DatabaseOptions {
  connectionString: string;
  /** Pool size; the realtime listener holds one more connection of its own. */
  max?: number;
}

export function createDatabase({ connectionString, max = 10 }: DatabaseOptions): DB {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', (error) => console.error('[db] idle connection error:', error.message));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
