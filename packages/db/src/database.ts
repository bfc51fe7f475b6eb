import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 (ids, counts, sequence numbers) as JS numbers: every value we store stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// Dates stay plain 'YYYY-MM-DD' strings: no time zone can shift a due date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DB = Kysely<Database>;

/** Bounds for serving requests, in milliseconds. */
export interface ConnectionLimits {
  /** A statement running longer is cancelled (SQLSTATE 57014). */
  statementTimeoutMs: number;
  /** A statement waiting longer for a lock is cancelled (55P03). */
  lockTimeoutMs: number;
  /** A transaction left idle longer loses its session (25P03), releasing its locks. */
  idleInTransactionTimeoutMs: number;
  /** Waiting longer for a connection (the pool is exhausted, or the server does not answer) fails the call. */
  acquireTimeoutMs: number;
}

export interface DatabaseOptions {
  connectionString: string;
  /** Pool size; the realtime listener holds one more connection of its own. */
  max?: number;
  /** Without limits (migrations, scripts, tests' own access) PostgreSQL's settings apply and callers wait for a connection. */
  limits?: ConnectionLimits;
  /** Told when a connection loses its server, idle or in use (default: a line on stderr). */
  onConnectionError?: (error: Error) => void;
  /** Names the connections in pg_stat_activity (default: node-postgres's, none). */
  applicationName?: string;
  /** Told the text of every statement run (tests count the queries a path costs). */
  onQuery?: (sql: string) => void;
}

const pools = new WeakMap<DB, pg.Pool>();
const queryHooks = new WeakMap<DB, (sql: string) => void>();

/** The pool behind a database made by createDatabase, for its figures (total, idle, waiting). */
export function poolOf(db: DB): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('poolOf: this database was not made by createDatabase');
  return pool;
}

export function createDatabase({ connectionString, max = 10, limits, onConnectionError, applicationName, onQuery }: DatabaseOptions): DB {
  const pool = new pg.Pool({
    connectionString,
    max,
    ...(applicationName && { application_name: applicationName }),
    idleTimeoutMillis: 30_000,
    // The three timeouts travel as startup parameters: set on every connection, at no extra round trip.
    ...(limits && {
      statement_timeout: limits.statementTimeoutMs,
      lock_timeout: limits.lockTimeoutMs,
      idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
      connectionTimeoutMillis: limits.acquireTimeoutMs,
    }),
  });
  // A connection can fail at any time: its server restarts, an admin terminates it, the network
  // drops. node-postgres fails the query in progress, then emits 'error' on the client, and an
  // 'error' nobody listens to ends the process. The pool listens only while a client is idle, so
  // every client gets its own listener for its whole life; the pool then drops it when released.
  const report = onConnectionError ?? ((error: Error) => console.error('[db] connection lost:', error.message));
  pool.on('connect', (client) => client.on('error', report));
  pool.on('error', () => {}); // an idle client's failure, reported by the listener above
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery && {
      log: (event) => {
        if (event.level === 'query') onQuery(event.query.sql);
      },
    }),
  });
  pools.set(db, pool);
  if (onQuery) queryHooks.set(db, onQuery);
  return db;
}

/**
 * Runs a statement prepared under `name` on each connection: PostgreSQL parses and analyses it
 * once per connection instead of on every call. For a hot statement whose text is fixed for the
 * life of the process (the name must always stand for the same text: derive it from the text).
 * `onQuery` hears it like any other statement.
 */
export async function queryPrepared<Row>(db: DB, statement: { name: string; text: string }, values: readonly unknown[]): Promise<Row[]> {
  const { rows } = await poolOf(db).query<Row & pg.QueryResultRow>({ name: statement.name, text: statement.text, values: [...values] });
  queryHooks.get(db)?.(statement.text);
  return rows;
}
