/**
 * Snoozing: a notification leaves the inbox until a time, then comes back as new on every device.
 * The return is a job (jobs/queue.ts) enqueued with the snooze; re-snoozing or unsnoozing leaves
 * the old job in place, and it finds nothing to do: a return happens only to a notification
 * still snoozed and due, decided by one conditional UPDATE, so two instances or a retry after a
 * crash return it once.
 */
import { TRPCError } from '@trpc/server';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import type { JobKind } from '../jobs/queue.js';
import type { ApiDeps } from '../trpc.js';
import { recipientActions, systemActions } from './events.js';
import { publish } from './publish.js';
import { notFound, toView, visibleNotifications, type NotificationView } from './view.js';

/** Brings a snoozed notification back when its time has come. */
export const notificationReturnJob: JobKind<{ notificationId: number }> = {
  name: 'notification.return',
  options: {
    // Its work takes milliseconds: a job active for 10 s lost its process, and runs again.
    expireInSeconds: 10,
    // Retries after 1-2 s, then twice as long each time (9 to 18 hours in all): a database outage delays it, no more.
    retryLimit: 15,
    retryDelay: 1,
    retryBackoff: true,
  },
  handle: async ({ notificationId }, deps) => {
    await deps.db.transaction().execute((trx) => returnFromSnooze(trx, deps, { id: notificationId, dueOnly: true }));
  },
};

/**
 * Clears the snooze of a notification that is still snoozed (and, with dueOnly, due), marks it
 * new (unseen, unread) and tells its recipient's devices. Null when there was nothing to return.
 */
async function returnFromSnooze(
  trx: Kysely<Database>,
  deps: ApiDeps,
  target: { id: number; recipientId?: number; dueOnly: boolean },
) {
  const returned = await trx
    .updateTable('notifications')
    .set({ snoozed_until: null, seen_at: null, read_at: null })
    .where('id', '=', target.id)
    .$if(target.recipientId !== undefined, (query) => query.where('recipient_id', '=', target.recipientId!))
    .where('snoozed_until', 'is not', null)
    .$if(target.dueOnly, (query) => query.where('snoozed_until', '<=', sql<Date>`now()`))
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
  if (returned) {
    await publish(trx, { events: [systemActions.upserted(returned.recipient_id, returned.id)], ttlDays: deps.config.notificationTtlDays });
  }
  return returned ?? null;
}

/** Snoozes (or re-snoozes) one of `me`'s inbox notifications until `until`. */
export function snooze(deps: ApiDeps, me: number, input: { id: number; until: Date }): Promise<NotificationView> {
  return deps.db.transaction().execute(async (trx) => {
    const current = await visibleNotifications(trx, me).selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
    if (!current) throw notFound(input.id);
    if (current.archived_at) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `Notification ${input.id} is archived: only inbox notifications can be snoozed` });
    }
    if (current.resolved_at) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `Notification ${input.id} is resolved: there is nothing left to come back to` });
    }
    if (current.snoozed_until?.getTime() === input.until.getTime()) return toView(current);
    const snoozed = await trx
      .updateTable('notifications')
      .set({ snoozed_until: input.until })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await publish(trx, {
      events: [recipientActions.state(me, [current.id], { snoozedUntil: input.until })],
      ttlDays: deps.config.notificationTtlDays,
    });
    await deps.jobs.enqueue(trx, notificationReturnJob, { notificationId: current.id }, { startAfter: input.until });
    return toView(snoozed);
  });
}

/** Brings one of `me`'s snoozed notifications back now; one that is not snoozed is left as it is. */
export function unsnooze(deps: ApiDeps, me: number, id: number): Promise<NotificationView> {
  return deps.db.transaction().execute(async (trx) => {
    const returned = await returnFromSnooze(trx, deps, { id, recipientId: me, dueOnly: false });
    if (returned) return toView(returned);
    const existing = await visibleNotifications(trx, me).selectAll().where('id', '=', id).executeTakeFirst();
    if (!existing) throw notFound(id);
    return toView(existing);
  });
}
