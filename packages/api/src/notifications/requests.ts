/** Requests carried by notifications (e.g. `goal:42:approval`), decided once for all their recipients. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import type { Resolution } from '@pms/shared';
import type { NewUserEvent } from '../realtime/events.js';
import { systemActions } from './events.js';

/**
 * Marks every open notification of these requests, whoever received it, resolved with
 * `resolution`, inside the deciding transaction, and returns the `resolved` event for each
 * recipient: publish them in the same transaction. Nothing open, nothing announced.
 */
export async function resolveRequests(trx: Kysely<Database>, requestKeys: string[], resolution: Resolution): Promise<NewUserEvent[]> {
  if (requestKeys.length === 0) return [];
  const resolved = await trx
    .updateTable('notifications')
    .set({ resolved_at: sql`now()`, resolution: JSON.stringify(resolution) })
    .where('request_key', 'in', requestKeys)
    .where('resolved_at', 'is', null)
    .returning(['id', 'recipient_id as recipientId', 'resolved_at as resolvedAt'])
    .execute();
  const perRecipient = new Map<number, number[]>();
  for (const { id, recipientId } of resolved) perRecipient.set(recipientId, [...(perRecipient.get(recipientId) ?? []), id]);
  // now() is the transaction's start, so every row holds the same instant.
  const resolvedAt = resolved[0]?.resolvedAt;
  return [...perRecipient].map(([recipientId, ids]) => systemActions.resolved(recipientId, ids, resolvedAt!, resolution));
}
