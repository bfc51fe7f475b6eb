/**
 * Idempotent mutations. A client sends a fresh `idempotencyKey` with each submission and the same
 * one with its retries; the first call to commit stores its result under (user, key) in its own
 * transaction, and every retry gets that result back with nothing done again. The caller is a person
 * (user) or a service (API key): each has keys of its own. The key is claimed
 * (inserted) first, so a retry racing the first call waits on the key's row until the first
 * commits (then replays its result) or rolls back (then does the work itself).
 */
import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql, type Kysely } from 'kysely';
import superjson, { type SuperJSONResult } from 'superjson';
import type { Database, DB } from '@pms/db';

/** How long a key answers retries; the retention job deletes older ones. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export const idempotencyKeyExpiry = () => sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`;

export type IdempotentCall = ({ userId: number } | { apiKeyId: number }) & {
  /** The procedure's path (`goals.create`): a key belongs to one procedure. */
  procedure: string;
  /** The validated input; without an `idempotencyKey` the call simply runs. */
  input: { idempotencyKey?: string | undefined };
};

/** The caller's column and its partial unique index (migration 2026_12_06_0004). */
function callerOf(call: IdempotentCall) {
  return 'userId' in call ? { column: 'user_id' as const, id: call.userId } : { column: 'api_key_id' as const, id: call.apiKeyId };
}

/** Object keys sorted, so equal inputs hash alike whatever order their fields came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Salted with the key itself, so a stored hash says nothing about an input (a password) on its own. */
function requestHash(key: string, procedure: string, input: object): string {
  return createHash('sha256').update(`${key}\n${procedure}\n${canonicalJson(input)}`).digest('base64url');
}

/** Runs `work` in one transaction, at most once per key: a retry returns the first result. */
export function transactOnce<T>(db: DB, call: IdempotentCall | undefined, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const { idempotencyKey: key, ...input } = call?.input ?? {};
  if (!call || !key) return db.transaction().execute(work);
  const caller = callerOf(call);
  const claim = {
    user_id: caller.column === 'user_id' ? caller.id : null,
    api_key_id: caller.column === 'api_key_id' ? caller.id : null,
    key,
    procedure: call.procedure,
    request_hash: requestHash(key, call.procedure, input),
    result: null,
  };

  return db.transaction().execute(async (trx) => {
    // Claims the key, or takes over an expired one the retention job has not deleted yet. Waits
    // while another transaction holds a claim on it.
    const claimed = await trx
      .insertInto('idempotency_keys')
      .values(claim)
      .onConflict((oc) =>
        oc
          .columns([caller.column, 'key'])
          .where(caller.column, 'is not', null)
          .doUpdateSet({ procedure: claim.procedure, request_hash: claim.request_hash, result: null, created_at: sql`now()` })
          .where('idempotency_keys.created_at', '<=', idempotencyKeyExpiry()),
      )
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return replay<T>(trx, caller, claim);

    const result = await work(trx);
    await trx
      .updateTable('idempotency_keys')
      .set({ result: JSON.stringify(superjson.serialize(result)) })
      .where(caller.column, '=', caller.id)
      .where('key', '=', key)
      .execute();
    return result;
  });
}

async function replay<T>(
  trx: Kysely<Database>,
  caller: ReturnType<typeof callerOf>,
  claim: { key: string; procedure: string; request_hash: string },
): Promise<T> {
  const first = await trx
    .selectFrom('idempotency_keys')
    .select(['procedure', 'request_hash', 'result'])
    .where(caller.column, '=', caller.id)
    .where('key', '=', claim.key)
    .executeTakeFirstOrThrow();
  if (first.procedure !== claim.procedure || first.request_hash !== claim.request_hash) {
    throw new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: 'idempotencyKey was already used for a different request' });
  }
  return superjson.deserialize<T>(first.result as unknown as SuperJSONResult);
}
