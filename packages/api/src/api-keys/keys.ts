/**
 * API keys: `pms_` and 32 random bytes, base64url. Only the secret's SHA-256 is stored; the
 * secret is returned once, by `issueApiKey` (and by a rotation). A call carries it as
 * `Authorization: Bearer pms_…`.
 */
import { sql } from 'kysely';
import { API_KEY_PREFIX, type ApiScope } from '@pms/shared';
import type { DB } from '@pms/db';
import { hashSecret, newSecret } from '../lib/secrets.js';

/** Who calls with a key: the service it stands for and what it may do. */
export interface ApiKeyCaller {
  id: number;
  name: string;
  scopes: ApiScope[];
}

export const isApiKey = (token: string | null): token is string => !!token?.startsWith(API_KEY_PREFIX);

/** A new secret and what the table keeps of it. */
export function newApiKeySecret(): { secret: string; secretHash: string; secretHint: string } {
  const secret = newSecret(API_KEY_PREFIX);
  return { secret, secretHash: hashSecret(secret), secretHint: secret.slice(0, API_KEY_PREFIX.length + 4) };
}

/** Stores a new key; the secret in the result is never readable again. */
export async function issueApiKey(db: DB, key: { name: string; scopes: ApiScope[]; createdBy: number | null }) {
  const { secret, secretHash, secretHint } = newApiKeySecret();
  const row = await db
    .insertInto('api_keys')
    .values({ name: key.name, scopes: key.scopes, secret_hash: secretHash, secret_hint: secretHint, created_by: key.createdBy })
    .returning(['id', 'name', 'scopes', 'created_at'])
    .executeTakeFirstOrThrow();
  return { ...row, secret };
}

/**
 * The caller a live (unrevoked) key stands for, or null for anything else. The same statement
 * keeps `last_used_at` current, writing it only when it is a minute old or more: a busy key costs
 * one row update a minute, not one per call. Two calls at once may both write it; the later wins,
 * which is as current. A database failure throws (the caller answers 503, as for any call).
 */
export async function resolveApiKey(db: DB, secret: string): Promise<ApiKeyCaller | null> {
  const row = await db
    .with('live', (q) =>
      q.selectFrom('api_keys').select(['id', 'name', 'scopes', 'last_used_at']).where('secret_hash', '=', hashSecret(secret)).where('revoked_at', 'is', null),
    )
    .with('touched', (q) =>
      q
        .updateTable('api_keys')
        .set({ last_used_at: sql`now()` })
        .from('live')
        .whereRef('api_keys.id', '=', 'live.id')
        .where((w) => w.or([w('live.last_used_at', 'is', null), w('live.last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
        .returning('api_keys.id'),
    )
    .selectFrom('live')
    .select(['id', 'name', 'scopes'])
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, scopes: row.scopes as ApiScope[] } : null;
}
