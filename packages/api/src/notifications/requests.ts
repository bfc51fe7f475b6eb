/** Requests carried by notifications (e.g. `goal:42:approval`), decided once for all their recipients. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import type { Resolution } from '@pms/shared';
import { lockStreams, type NewUserEvent } from '../realtime/events.js';
import { systemActions } from './events.js';

/** Who holds an open notification of these requests. */
export async function openRequestRecipients(trx: Kysely<Database>, requestKeys: string[]): Promise<number[]> {
  if (requestKeys.length === 0) return [];
  const rows = await trx
    .selectFrom('notifications')
    .select('recipient_id')
    .distinct()
    .where('request_key', 'in', requestKeys)
    .where('resolved_at', 'is', null)
    .execute();
  return rows.map((row) => row.recipient_id);
}

/**
 * Marks every open notification of these requests, whoever received it, resolved with
 * `resolution`, inside the deciding transaction, and returns the `resolved` event for each
 * recipient: publish them in the same transaction. Nothing open, nothing announced.
 * `alsoTelling`: the others the transaction will publish to; their streams are locked with the
 * recipients', in one go, before any row (the lock order of lockStreams). The deciding
 * transaction holds the goal's row, so no new recipient of these requests appears meanwhile.
 */
export async function resolveRequests(
  trx: Kysely<Database>,
  requestKeys: string[],
  resolution: Resolution,
  alsoTelling: number[],
): Promise<NewUserEvent[]> {
  if (requestKeys.length === 0) return [];
  await lockStreams(trx, [...(await openRequestRecipients(trx, requestKeys)), ...alsoTelling]);
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
