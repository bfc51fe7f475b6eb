/**
 * One-click unsubscribe (RFC 8058): every mail carries a link that needs no sign-in, signed with
 * the server's secret so nobody can forge one for someone else. It names one person and what they
 * leave: a category's email, or the morning "waiting for your decision" digest. Links do not
 * expire: a mail read months later must still be able to stop the next one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { NotificationCategory } from '@pms/shared';
import type { DB } from '@pms/db';
import type { ApiConfig } from '../../trpc.js';

export type UnsubscribeScope = { category: NotificationCategory } | { decisionsDigest: true };

interface Payload {
  u: number;
  s: string;
}

const scopeName = (scope: UnsubscribeScope) => ('category' in scope ? `category:${scope.category}` : 'decisionsDigest');

function signature(config: Pick<ApiConfig, 'linkSecret'>, body: string): Buffer {
  return createHmac('sha256', config.linkSecret).update(`unsubscribe.${body}`).digest();
}

export function unsubscribeToken(config: Pick<ApiConfig, 'linkSecret'>, userId: number, scope: UnsubscribeScope): string {
  const body = Buffer.from(JSON.stringify({ u: userId, s: scopeName(scope) } satisfies Payload)).toString('base64url');
  return `${body}.${signature(config, body).toString('base64url')}`;
}

/** The person and scope a token names, or null when it is malformed or not ours. */
export function readUnsubscribeToken(config: Pick<ApiConfig, 'linkSecret'>, token: string): { userId: number; scope: UnsubscribeScope } | null {
  const [body, mac, ...rest] = token.split('.');
  if (!body || !mac || rest.length) return null;
  const given = Buffer.from(mac, 'base64url');
  const expected = signature(config, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { u, s } = JSON.parse(Buffer.from(body, 'base64url').toString()) as Payload;
    if (!Number.isInteger(u)) return null;
    if (s === 'decisionsDigest') return { userId: u, scope: { decisionsDigest: true } };
    const category = NotificationCategory.safeParse(s.replace(/^category:/, ''));
    return s.startsWith('category:') && category.success ? { userId: u, scope: { category: category.data } } : null;
  } catch {
    return null;
  }
}

/** The link and the RFC 8058 headers for a mail to `userId` about `scope`. */
export function unsubscribeHeaders(config: Pick<ApiConfig, 'linkSecret' | 'publicUrl'>, userId: number, scope: UnsubscribeScope) {
  const url = `${config.publicUrl}/unsubscribe?token=${unsubscribeToken(config, userId, scope)}`;
  return { url, headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
}

/** Applies an unsubscribe: that category's email off, or the decisions digest off. Idempotent. */
export async function unsubscribe(db: DB, userId: number, scope: UnsubscribeScope): Promise<void> {
  if ('category' in scope) {
    await db
      .insertInto('user_preferences')
      .values({ user_id: userId, category: scope.category, email: false })
      .onConflict((oc) => oc.columns(['user_id', 'category']).doUpdateSet({ email: false, updated_at: sql`now()` }))
      .execute();
  } else {
    await db
      .insertInto('user_settings')
      .values({ user_id: userId, decisions_digest: false })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ decisions_digest: false, updated_at: sql`now()` }))
      .execute();
  }
}
