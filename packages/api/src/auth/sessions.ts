import { randomUUID } from 'node:crypto';
import type { DB } from '@pms/db';
import type { Session } from '../trpc.js';
import type { SessionTokens } from './tokens.js';

export const SESSION_COOKIE = 'pms_session';

/** Stores a new session and returns its signed token. */
export async function openSession(db: DB, tokens: SessionTokens, userId: number) {
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + tokens.ttlSeconds * 1000);
  await db.insertInto('sessions').values({ id, user_id: userId, expires_at: expiresAt }).execute();
  return { token: await tokens.sign(userId, id, expiresAt), expiresAt };
}

/** The live session a token stands for: signed, unexpired, not revoked, its user active. */
export async function resolveSession(db: DB, tokens: SessionTokens, token: unknown): Promise<Session | null> {
  // Anything but a non-empty string (say `connectionParams: { token: 5 }`) is no session.
  if (typeof token !== 'string' || !token) return null;
  const claims = await tokens.verify(token);
  if (!claims) return null;
  const row = await liveSessions(db).where('s.id', '=', claims.sessionId).where('s.user_id', '=', claims.userId).executeTakeFirst();
  return row ? toSession(row) : null;
}

/**
 * These sessions as they are now, by id; one that has ended (revoked, expired, its user
 * deactivated) is absent. Re-reads the sessions of open WebSockets after a change.
 */
export async function loadSessions(db: DB, sessionIds: readonly string[]): Promise<Map<string, Session>> {
  const rows = sessionIds.length ? await liveSessions(db).where('s.id', 'in', sessionIds).execute() : [];
  return new Map(rows.map((row) => [row.id, toSession(row)]));
}

function liveSessions(db: DB) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.expires_at', 'u.id as userId', 'u.email', 'u.name', 'u.supervisor_id', 'u.permissions'])
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', new Date())
    .where('u.active', '=', true);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof liveSessions>['executeTakeFirstOrThrow']>>;

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    expiresAt: row.expires_at,
    user: { id: row.userId, email: row.email, name: row.name, supervisorId: row.supervisor_id, permissions: row.permissions },
  };
}

/**
 * Reads the session token from `Authorization: Bearer …` or the session cookie. A malformed
 * header means no session: a bad cookie must never stop its browser from signing in again.
 */
export function tokenFromHeaders(headers: { authorization?: string; cookie?: string }): string | null {
  const bearer = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  for (const part of headers.cookie?.split(';') ?? []) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodedCookie(value.join('='));
  }
  return null;
}

function decodedCookie(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null; // URIError: a malformed %-escape
  }
}
