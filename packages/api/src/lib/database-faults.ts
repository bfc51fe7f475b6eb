/**
 * When the database, not the call, failed: a lost connection, a timeout, an exhausted pool.
 * Each is SERVICE_UNAVAILABLE (HTTP 503: try again) with a fixed message that says what happened
 * and reveals nothing internal, in every mode. PostgreSQL undoes the transaction of a cancelled
 * statement or a lost session, and every mutation writes in one transaction, so nothing of the
 * call is half-applied. Only a connection lost while COMMIT was on its way leaves the outcome
 * unknown, so that message does not promise "nothing was saved".
 */
import { TRPCError } from '@trpc/server';

const MESSAGES = {
  connectionLost: 'The database connection was lost during this call. Try again.',
  unavailable: 'The database is unavailable right now; nothing was saved. Try again in a moment.',
  busy: 'The server is too busy to reach the database right now; nothing was saved. Try again in a moment.',
  tookTooLong: 'The database took too long to answer, so the call was cancelled; nothing was saved. Try again.',
  locked: 'Someone else is changing the same data right now; nothing was saved. Try again.',
} as const;

type Fault = keyof typeof MESSAGES;

/** SQLSTATE codes (PostgreSQL manual, appendix A); class 08, connection exceptions, is connectionLost. */
const BY_SQLSTATE: Record<string, Fault> = {
  '57014': 'tookTooLong', // query_canceled: statement_timeout, or a cancel request
  '55P03': 'locked', // lock_not_available: lock_timeout
  '40P01': 'locked', // deadlock_detected: one of the two transactions is rolled back
  '40001': 'locked', // serialization_failure
  '25P03': 'connectionLost', // idle_in_transaction_session_timeout ended the session
  '57P01': 'connectionLost', // admin_shutdown: pg_terminate_backend, a server shutting down
  '57P02': 'connectionLost', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now: the server is starting or recovering
  '53300': 'busy', // too_many_connections
};

/** Socket errors, connecting or mid-call. */
const BY_ERRNO: Record<string, Fault> = {
  ECONNREFUSED: 'unavailable',
  ENOTFOUND: 'unavailable',
  EHOSTUNREACH: 'unavailable',
  ETIMEDOUT: 'unavailable',
  ECONNRESET: 'connectionLost',
  EPIPE: 'connectionLost',
};

/** node-postgres and its pool raise these as plain Errors, without a code (pg 8, pg-pool 3). */
const BY_MESSAGE: Array<[RegExp, Fault]> = [
  [/^timeout exceeded when trying to connect$/, 'busy'], // the pool's acquire timeout, all clients busy
  [/^Connection terminated due to connection timeout$/, 'unavailable'], // the acquire timeout, connecting
  [/^Connection terminated/, 'connectionLost'],
  [/is not queryable$/, 'connectionLost'], // a query on a client whose connection already failed
];

/** The retriable error to answer for a database failure found in `error` or its causes; null for anything else. */
export function databaseFault(error: unknown): TRPCError | null {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const fault = classify(cause);
    if (fault) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: MESSAGES[fault], cause: error });
  }
  return null;
}

function classify(error: Error): Fault | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    const fault = BY_SQLSTATE[code] ?? BY_ERRNO[code] ?? (/^08[0-9A-Z]{3}$/.test(code) ? 'connectionLost' : null);
    if (fault) return fault;
  }
  return BY_MESSAGE.find(([pattern]) => pattern.test(error.message))?.[1] ?? null;
}
