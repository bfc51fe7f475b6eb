import { sql } from 'kysely';
import { readConnectionStats } from '../realtime/presence.js';
import { onEventInput, streamUserEvents } from '../realtime/subscribe.js';
import { z } from 'zod';
import { authedProcedure, rest, scopedProcedure } from '../trpc.js';
import { notificationTopic, recipientActions } from './events.js';
import { lockStreams } from '../realtime/events.js';
import { archiveAllRead, deleteNotifications, setState } from './inbox-state.js';
import type { DB } from '@pms/db';
import { registeredCategory } from '../publishing/types.js';
import { publishingProcedures } from '../publishing/router.js';
import {
  type BulkTarget,
  deleteManyInput,
  idsInput,
  listInput,
  notificationFilter,
  notificationIdInput,
  setArchivedInput,
  setReadInput,
  snoozeInput,
} from './inputs.js';
import {
  connectionStatsOutput,
  deletedOutput,
  markedAllReadOutput,
  notificationListOutput,
  notificationOutput,
  notificationStatsOutput,
} from './outputs.js';
import { publish } from './publish.js';
import { countNotifications, listNotifications, notificationStats } from './queries.js';
import { snooze, unsnooze } from './snooze.js';
import { notFound, toView, visibleNotifications } from './view.js';

/** A filter by type names a registered one (a typo would otherwise just match nothing). */
async function knownType(db: DB, filter: { type?: string | undefined } | undefined) {
  if (filter?.type) await registeredCategory(db, filter.type);
}

const filterOf = (target: BulkTarget) => ('filter' in target ? target.filter : undefined);

export const notificationsRouter = {
  /** Newest first, a page at a time (`cursor`: the previous page's `nextCursor`); filters by view, type, priority, read state and text. */
  list: authedProcedure
    .meta(rest('GET', '/notifications', 'notifications', "The caller's notifications"))
    .input(listInput)
    .output(notificationListOutput)
    .query(async ({ ctx, input }) => {
      await knownType(ctx.deps.db, input);
      return listNotifications(ctx.deps.db, ctx.session.user.id, input);
    }),

  /** How many notifications match `list`'s filters (what "select all matching" would change). */
  count: authedProcedure.input(notificationFilter).query(async ({ ctx, input }) => {
    await knownType(ctx.deps.db, input);
    return countNotifications(ctx.deps.db, ctx.session.user.id, input);
  }),

  stats: authedProcedure
    .meta(rest('GET', '/notifications/stats', 'notifications', "The caller's counts: in the inbox, unread, unseen, by type and priority"))
    .input(z.void())
    .output(notificationStatsOutput)
    .query(({ ctx }) => notificationStats(ctx.deps.db, ctx.session.user.id)),

  /** Marks one notification read; the caller's other devices hear of it. Reading twice is fine. */
  markRead: authedProcedure
    .meta(
      rest(
        'POST',
        '/notifications/{id}/read',
        'notifications',
        'Mark one notification read',
        "Reading twice is fine; the caller's other devices hear of it.",
      ),
    )
    .input(notificationIdInput)
    .output(notificationOutput)
    .mutation(({ ctx, input }) =>
      ctx.deps.db.transaction().execute(async (trx) => {
        const me = ctx.session.user.id;
        await lockStreams(trx, [me]); // the lock order (realtime/events.ts): streams, then rows
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

  markAllRead: authedProcedure
    .meta(rest('POST', '/notifications/read-all', 'notifications', "Mark all the caller's notifications read"))
    .input(z.void())
    .output(markedAllReadOutput)
    .mutation(({ ctx }) =>
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

  delete: authedProcedure
    .meta(rest('DELETE', '/notifications/{id}', 'notifications', 'Delete one notification'))
    .input(notificationIdInput)
    .output(deletedOutput)
    .mutation(({ ctx, input }) =>
      ctx.deps.db.transaction().execute(async (trx) => {
        const target = { ids: [input.id] };
        await deleteNotifications(trx, { userId: ctx.session.user.id, target, ttlDays: ctx.deps.config.notificationTtlDays });
        return { id: input.id };
      }),
    ),

  /** Deletes `ids` (1 to 500, all the caller's or none) or every notification matching `filter` (up to `maxId`). */
  deleteMany: authedProcedure.input(deleteManyInput).mutation(async ({ ctx, input }) => {
    await knownType(ctx.deps.db, filterOf(input.target));
    return ctx.deps.db.transaction().execute(async (trx) => {
      return deleteNotifications(trx, { userId: ctx.session.user.id, target: input.target, ttlDays: ctx.deps.config.notificationTtlDays });
    });
  }),

  /** Marks notifications seen (shown in the open bell or list); those seen before stay as they were. */
  markSeen: authedProcedure.input(idsInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute((trx) =>
      setState(trx, {
        userId: ctx.session.user.id,
        target: input,
        state: 'seen',
        on: true,
        ttlDays: ctx.deps.config.notificationTtlDays,
      }),
    ),
  ),

  /** Read or unread: `ids` (1 to 500, all the caller's or none) or every notification matching `filter` (up to `maxId`). */
  setRead: authedProcedure.input(setReadInput).mutation(async ({ ctx, input }) => {
    await knownType(ctx.deps.db, filterOf(input.target));
    return ctx.deps.db.transaction().execute((trx) =>
      setState(trx, { userId: ctx.session.user.id, target: input.target, state: 'read', on: input.read, ttlDays: ctx.deps.config.notificationTtlDays }),
    );
  }),

  /** Archived or back in the inbox: `ids` or `filter`, as setRead. */
  setArchived: authedProcedure.input(setArchivedInput).mutation(async ({ ctx, input }) => {
    await knownType(ctx.deps.db, filterOf(input.target));
    return ctx.deps.db.transaction().execute((trx) =>
      setState(trx, {
        userId: ctx.session.user.id,
        target: input.target,
        state: 'archived',
        on: input.archived,
        ttlDays: ctx.deps.config.notificationTtlDays,
      }),
    );
  }),

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
      topic: notificationTopic,
      lastEventId: input?.lastEventId,
      signal,
    }),
  ),

  /** Open sockets, distinct users and subscriptions per server instance, and in total. */
  connectionStats: scopedProcedure('connections:read', 'admins')
    .meta(
      rest(
        'GET',
        '/notifications/connection-stats',
        'notifications',
        'Open sockets, people and subscriptions per server instance',
        'For administrators, and API keys with connections:read.',
      ),
    )
    .input(z.void())
    .output(connectionStatsOutput)
    .query(async ({ ctx }) => {
      await ctx.deps.realtime.presence.report(); // this instance's own row, current to the call
      return readConnectionStats(ctx.deps.db);
    }),

  /** Other modules' way in: publish, and read back what was published (publishing/). */
  ...publishingProcedures,
};
