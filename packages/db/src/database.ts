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
  /** Told when an idle connection loses its server (default: a line on stderr). */
  onIdleError?: (error: Error) => void;
}

const pools = new WeakMap<DB, pg.Pool>();

/** The pool behind a database made by createDatabase, for its figures (total, idle, waiting). */
export function poolOf(db: DB): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('poolOf: this database was not made by createDatabase');
  return pool;
}

export function createDatabase({ connectionString, max = 10, onIdleError }: DatabaseOptions): DB {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', onIdleError ?? ((error) => console.error('[db] idle connection error:', error.message)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
