import { isExpression, sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * PostgreSQL NOTIFY channels. NOTIFY inside a transaction is delivered only after it
 * commits, to every listening instance. Payloads carry ids, far below 8000 bytes; stream
 * announcements may carry their events too, when they fit (carried-events.ts).
 */
export const CHANNELS = {
  /** `{ h: [[userId, headSeq], …] }`: these users' event streams grew (events.ts), with the events when they fit (carried-events.ts). */
  events: 'pms_user_events',
  /** `{ s: [sessionIds] }`: close every socket of these sessions. */
  sessions: 'pms_sessions_revoked',
  /** `{ u: [userIds] }`: these users changed (permissions, supervisor, name, active): re-read their sockets' sessions. */
  users: 'pms_users_changed',
  /** `{ i: instanceId }`: this instance wrote its connection figures (presence.ts): live stats read them again. */
  connections: 'pms_connections_reported',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/**
 * The NOTIFY as an expression, to send it in the statement that makes the change it announces:
 * of a value, or of a text the statement builds (carried-events.ts).
 */
export function notice(channel: Channel, payload: unknown) {
  return sql<string>`pg_notify(${channel}, ${isExpression(payload) ? payload : JSON.stringify(payload)})`;
}

export async function notifyChannel(db: Kysely<any>, channel: Channel, payload: unknown): Promise<void> {
  await sql`select ${notice(channel, payload)}`.execute(db);
}

/** Every socket of these sessions, on every instance, is closed once the caller commits. */
export function announceSessionsRevoked(db: Kysely<any>, sessionIds: string[]): Promise<void> {
  return notifyChannel(db, CHANNELS.sessions, { s: sessionIds });
}

/** The open sockets of these users, on every instance, re-read their session at their next call once the caller commits. */
export function announceUsersChanged(db: Kysely<any>, userIds: number[]): Promise<void> {
  return notifyChannel(db, CHANNELS.users, { u: userIds });
}
