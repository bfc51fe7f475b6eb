import { TRPCError } from '@trpc/server';
import { searchInput } from '@pms/shared';
import { registeredCategory } from '../publishing/types.js';
import { authedProcedure } from '../trpc.js';
import { searchGoals } from './goals.js';
import { searchNotifications } from './notifications.js';
import { prefixQueryText, tsQuery } from './text-query.js';

export const searchRouter = {
  /**
   * One search box over the goals the caller may see and the caller's own notifications: every
   * word a prefix, ranked (title first), with highlighted parts. Each kind asked for answers its
   * best `limit`, from `cursor` (the previous page's `nextCursor`); a kind not asked for is null.
   */
  query: authedProcedure.input(searchInput).query(async ({ ctx, input }) => {
    const { db } = ctx.deps;
    const queryText = prefixQueryText(input.q);
    // The schema refuses text without a word; this keeps the promise should the two ever differ.
    if (!queryText) throw new TRPCError({ code: 'BAD_REQUEST', message: 'q must contain a letter or a number to search for' });
    if (input.notificationType) await registeredCategory(db, input.notificationType);
    const query = tsQuery(queryText);
    const page = { limit: input.limit, offset: input.cursor ?? 0 };
    const [goals, notifications] = await Promise.all([
      input.kinds.includes('goals') ? searchGoals(db, ctx.session.user, { query, status: input.status, goalType: input.goalType, ...page }) : null,
      input.kinds.includes('notifications')
        ? searchNotifications(db, ctx.session.user.id, { query, read: input.read, type: input.notificationType, ...page })
        : null,
    ]);
    return { goals, notifications };
  }),
};
