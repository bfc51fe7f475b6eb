import { sql } from 'kysely';
import { readConnectionStats } from '../realtime/presence.js';
import { onEventInput, streamUserEvents } from '../realtime/subscribe.js';
import { adminProcedure, authedProcedure } from '../trpc.js';
import { hydrateNotificationEvents, recipientActions } from './events.js';
import { archiveAllRead, lockStream, notFound, setState } from './inbox-state.js';
import { idsInput, listInput, notificationIdInput, setArchivedInput, setReadInput, snoozeInput } from './inputs.js';
import { publish } from './publish.js';
import { listNotifications, notificationStats } from './queries.js';
import { snooze, unsnooze } from './snooze.js';
import { toView, visibleNotifications } from './view.js';

export const notificationsRouter = {
  list: authedProcedure.input(listInput).query(({ ctx, input }) => listNotifications(ctx.deps.db, ctx.session.user.id, input)),

  stats: authedProcedure.query(({ ctx }) => notificationStats(ctx.deps.db, ctx.session.user.id)),

  /** Marks one notification read; the caller's other devices hear of it. Reading twice is fine. */
  markRead: authedProcedure.input(notificationIdInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (trx) => {
      const me = ctx.session.user.id;
      await lockStream(trx, me); // the lock order of inbox-state.ts: stream head, then rows
      const updated = await trx
        .updateTable('notifications')
        .set({ read_at: sql`now()` })
        .where('id', '=', input.id)
        .where('recipient_id', '=', me)
        .where('read_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .returningAll()
        .executeTakeFirst();
      if (updated) {
        await publish(trx, { events: [recipientActions.read(me, [updated.id])], ttlDays: ctx.deps.config.notificationTtlDays });
        return toView(updated);
      }
      const existing = await visibleNotifications(trx, me).selectAll().where('id', '=', input.id).executeTakeFirst();
      if (!existing) throw notFound(input.id);
      return toView(existing);
    }),
  ),

  markAllRead: authedProcedure.mutation(({ ctx }) =>
    ctx.deps.db.transaction().execute(async (trx) => {
      const me = ctx.session.user.id;
      // Announce first: that takes the caller's stream lock, so a notification being created
      // concurrently either commits before (and is marked read below) or gets a later event.
      await publish(trx, { events: [recipientActions.allRead(me)], ttlDays: ctx.deps.config.notificationTtlDays });
      const result = await trx
        .updateTable('notifications')
        .set({ read_at: sql`now()` })
        .where('recipient_id', '=', me)
        .where('read_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .executeTakeFirst();
      return { count: Number(result.numUpdatedRows) };
    }),
  ),

  delete: authedProcedure.input(notificationIdInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (trx) => {
      const me = ctx.session.user.id;
      await lockStream(trx, me);
      const deleted = await trx
        .deleteFrom('notifications')
        .where('id', '=', input.id)
        .where('recipient_id', '=', me)
        .where('expires_at', '>', sql<Date>`now()`)
        .returning('id')
        .executeTakeFirst();
      if (!deleted) throw notFound(input.id);
      await publish(trx, { events: [recipientActions.deleted(me, deleted.id)], ttlDays: ctx.deps.config.notificationTtlDays });
      return { id: deleted.id };
    }),
  ),

  /** Marks notifications seen (shown in the open bell or list); those seen before stay as they were. */
  markSeen: authedProcedure.input(idsInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute((trx) =>
      setState(trx, { userId: ctx.session.user.id, ids: input.ids, state: 'seen', on: true, ttlDays: ctx.deps.config.notificationTtlDays }),
    ),
  ),

  setRead: authedProcedure.input(setReadInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute((trx) =>
      setState(trx, { userId: ctx.session.user.id, ids: input.ids, state: 'read', on: input.read, ttlDays: ctx.deps.config.notificationTtlDays }),
    ),
  ),

  setArchived: authedProcedure.input(setArchivedInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute((trx) =>
      setState(trx, {
        userId: ctx.session.user.id,
        ids: input.ids,
        state: 'archived',
        on: input.archived,
        ttlDays: ctx.deps.config.notificationTtlDays,
      }),
    ),
  ),

  /** Archives every read (or resolved) notification of the inbox. */
  archiveAllRead: authedProcedure.mutation(({ ctx }) =>
    ctx.deps.db.transaction().execute((trx) => archiveAllRead(trx, ctx.session.user.id, ctx.deps.config.notificationTtlDays)),
  ),

  /**
   * Hides an inbox notification until `until` (re-snoozing moves the time); it then comes back
   * as new on every device (an `upserted` event).
   */
  snooze: authedProcedure.input(snoozeInput).mutation(({ ctx, input }) => snooze(ctx.deps, ctx.session.user.id, input)),

  /** Brings a snoozed notification back now, as new; one that is not snoozed is left as it is. */
  unsnooze: authedProcedure.input(notificationIdInput).mutation(({ ctx, input }) => unsnooze(ctx.deps, ctx.session.user.id, input.id)),

  /**
   * The caller's notification events, resumable: `{ kind: 'created', notification }`, and the
   * reads, deletions and state changes made on any of their devices (`read`, `allRead`, `deleted`,
   * `state`), and what the system did (`upserted`, `resolved`).
   */
  onEvent: authedProcedure.input(onEventInput).subscription(({ ctx, input, signal }) =>
    streamUserEvents(ctx, {
      topic: 'notification',
      lastEventId: input?.lastEventId,
      signal,
      hydrate: hydrateNotificationEvents,
    }),
  ),

  /** Open sockets, distinct users and subscriptions per server instance, and in total. */
  connectionStats: adminProcedure.query(async ({ ctx }) => {
    await ctx.deps.realtime.presence.report(); // this instance's own row, current to the call
    return readConnectionStats(ctx.deps.db);
  }),
};
