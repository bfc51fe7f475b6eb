/**
 * Administrators manage the services' API keys: create (the secret is answered once), list (never
 * a secret), rename and rescope, rotate (a new secret for the same key, the old one refused from
 * that moment) and revoke. People only: a key cannot manage keys (adminProcedure refuses keys).
 * Each change is one UPDATE of one row, so two administrators at once cannot half-apply anything:
 * one wins, the other is told why its change no longer applies.
 */
import { TRPCError } from '@trpc/server';
import { apiKeyIdInput, createApiKeyInput, updateApiKeyInput, type ApiScope } from '@pms/shared';
import type { DB } from '@pms/db';
import { adminProcedure, rest } from '../trpc.js';
import { issueApiKey, newApiKeySecret } from './keys.js';
import { apiKeyListOutput, apiKeyOutput, apiKeyWithSecretOutput } from './outputs.js';

function selectKeys(db: DB) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.created_by')
    .select([
      'k.id',
      'k.name',
      'k.scopes',
      'k.secret_hint as hint',
      'u.id as creatorId',
      'u.name as creatorName',
      'k.created_at as createdAt',
      'k.last_used_at as lastUsedAt',
      'k.revoked_at as revokedAt',
    ]);
}

type KeyRow = Awaited<ReturnType<ReturnType<typeof selectKeys>['executeTakeFirstOrThrow']>>;

function toApiKey({ creatorId, creatorName, scopes, ...key }: KeyRow) {
  return { ...key, scopes: scopes as ApiScope[], createdBy: creatorId === null ? null : { id: creatorId, name: creatorName! } };
}

async function readKey(db: DB, id: number) {
  return toApiKey(await selectKeys(db).where('k.id', '=', id).executeTakeFirstOrThrow());
}

/** Why a change to a live key found no row: there is no such key, or it is revoked (`revoked` says what that means here). */
async function noLiveKey(db: DB, id: number, revoked: (key: string) => string): Promise<TRPCError> {
  const key = await db.selectFrom('api_keys').select('name').where('id', '=', id).executeTakeFirst();
  if (!key) return new TRPCError({ code: 'NOT_FOUND', message: `No API key with id ${id}` });
  return new TRPCError({ code: 'CONFLICT', message: revoked(`The API key "${key.name}" (id ${id})`) });
}

export const apiKeysRouter = {
  /** Every key, live ones first, newest first. */
  list: adminProcedure
    .meta(rest('GET', '/api-keys', 'api-keys', 'List API keys (never their secrets)'))
    .output(apiKeyListOutput)
    .query(async ({ ctx }) => {
      const rows = await selectKeys(ctx.deps.db).orderBy((eb) => eb('k.revoked_at', 'is', null), 'desc').orderBy('k.id', 'desc').execute();
      return rows.map(toApiKey);
    }),

  create: adminProcedure
    .meta(rest('POST', '/api-keys', 'api-keys', 'Create an API key; its secret is in this answer only'))
    .input(createApiKeyInput)
    .output(apiKeyWithSecretOutput)
    .mutation(async ({ ctx, input }) => {
      const { id, secret } = await issueApiKey(ctx.deps.db, { ...input, createdBy: ctx.session.user.id });
      return { ...(await readKey(ctx.deps.db, id)), secret };
    }),

  /** A new name, new scopes, or both; calls already under way keep the scopes they started with. */
  update: adminProcedure
    .meta(rest('PATCH', '/api-keys/{id}', 'api-keys', 'Rename an API key or change its scopes'))
    .input(updateApiKeyInput)
    .output(apiKeyOutput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.deps;
      const updated = await db
        .updateTable('api_keys')
        .set({ name: input.name, scopes: input.scopes })
        .where('id', '=', input.id)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!updated) throw await noLiveKey(db, input.id, (key) => `${key} is revoked: it can no longer change`);
      return readKey(db, input.id);
    }),

  /** A new secret for the same key (name, scopes, history kept); the old secret is refused from the commit on. */
  rotate: adminProcedure
    .meta(rest('POST', '/api-keys/{id}/rotate', 'api-keys', 'Give an API key a new secret; the old one stops working at once'))
    .input(apiKeyIdInput)
    .output(apiKeyWithSecretOutput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.deps;
      const { secret, secretHash, secretHint } = newApiKeySecret();
      const rotated = await db
        .updateTable('api_keys')
        .set({ secret_hash: secretHash, secret_hint: secretHint })
        .where('id', '=', input.id)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!rotated) throw await noLiveKey(db, input.id, (key) => `${key} is revoked: it cannot be rotated; create a new key instead`);
      return { ...(await readKey(db, input.id)), secret };
    }),

  /** For good: the key is refused from the commit on, and stays listed (with its last use) for the record. */
  revoke: adminProcedure
    .meta(rest('POST', '/api-keys/{id}/revoke', 'api-keys', 'Revoke an API key for good'))
    .input(apiKeyIdInput)
    .output(apiKeyOutput)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.deps;
      const revoked = await db
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('id', '=', input.id)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!revoked) throw await noLiveKey(db, input.id, (key) => `${key} is already revoked`);
      return readKey(db, input.id);
    }),
};
