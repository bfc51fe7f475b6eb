/**
 * The original deployment's HTTP API, kept for the PMS frontend and scripts written against it:
 * each path calls the same procedure as /api/v1 (same rules, same transactions, same live events)
 * and only renames fields (shapes.ts). Query and path values are read with the original's names
 * and defaults; what the procedure checks, it checks.
 */
import { z } from 'zod';
import type { Context } from '@pms/api';
import { procedureOf } from '../json-api.js';
import {
  compatConnectionStats,
  compatGoal,
  compatNewGoal,
  compatNotification,
  compatStats,
  message,
  toCompatConnectionStats,
  toCompatGoal,
  toCompatNotification,
  toCompatStats,
} from './shapes.js';
import type { GoalView, NotificationView } from '@pms/api';

export interface CompatRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** With `{id}` for the path's id. */
  path: `/api/${string}`;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodObject;
  response: z.ZodType;
  run(call: Caller, input: { id: number; query: any; body: any }): Promise<unknown>;
}

interface Caller {
  ctx: Context;
  call<T>(procedure: string, input?: unknown): Promise<T>;
}

export function callerOf(ctx: Context): Caller {
  return { ctx, call: (procedure, input) => procedureOf(ctx, procedure)(input) as never };
}

const userId = (ctx: Context) => ctx.session?.user.id ?? 0;

interface Page<T> {
  items: T[];
  nextCursor: number | null;
}

/**
 * The original paged with skip and limit; the procedures page by cursor: pages of 100 are read until
 * the window is filled. Each page is one consistent read, the window is not: a notification that
 * arrives meanwhile shifts what `skip` counts, as it did with the original's OFFSET.
 */
async function window<T>(skip: number, limit: number, page: (cursor: number | undefined) => Promise<Page<T>>): Promise<T[]> {
  const found: T[] = [];
  let cursor: number | undefined;
  let toSkip = skip;
  while (found.length < limit) {
    const { items, nextCursor } = await page(cursor);
    found.push(...items.slice(toSkip));
    toSkip = Math.max(0, toSkip - items.length);
    if (nextCursor === null) break;
    cursor = nextCursor;
  }
  return found.slice(0, limit);
}

const PAGE = 100;
const count = (name: string, fallback: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int({ error: `${name} must be a whole number` })
    .min(0, { error: `${name} must be between 0 and ${max}` })
    .max(max, { error: `${name} must be between 0 and ${max}` })
    .default(fallback);
const skipAndLimit = (maxLimit: number, defaultLimit: number) => ({
  skip: count('skip', 0, 10_000),
  limit: count('limit', defaultLimit, maxLimit),
});
const reason = (name: string) => z.object({ [name]: z.string({ error: `${name} is required` }) });

export const COMPAT_ROUTES: CompatRoute[] = [
  {
    method: 'GET',
    path: '/api/notifications',
    summary: "The caller's notifications, newest first",
    query: z.object({ ...skipAndLimit(100, 50), unread_only: z.stringbool({ error: 'unread_only must be true or false' }).default(false) }),
    response: z.array(compatNotification),
    run: async ({ ctx, call }, { query }) => {
      const items = await window(query.skip, query.limit, (cursor) =>
        call<Page<NotificationView>>('notifications.list', { cursor, limit: PAGE, unreadOnly: query.unread_only || undefined }),
      );
      return items.map((n) => toCompatNotification(userId(ctx), n));
    },
  },
  {
    method: 'GET',
    path: '/api/notifications/stats',
    summary: "The caller's counts",
    response: compatStats,
    run: async ({ call }) => toCompatStats(await call('notifications.stats')),
  },
  {
    method: 'PUT',
    path: '/api/notifications/{id}/read',
    summary: 'Mark one notification read',
    response: compatNotification,
    run: async ({ ctx, call }, { id }) => toCompatNotification(userId(ctx), await call('notifications.markRead', { id })),
  },
  {
    method: 'PUT',
    path: '/api/notifications/mark-all-read',
    summary: "Mark all the caller's notifications read",
    response: message('All notifications marked as read').extend({ count: z.number().int() }),
    run: async ({ call }) => ({
      message: 'All notifications marked as read',
      ...(await call<{ count: number }>('notifications.markAllRead')),
    }),
  },
  {
    method: 'DELETE',
    path: '/api/notifications/{id}',
    summary: 'Delete one notification',
    response: message('Notification deleted').extend({ id: z.number().int() }),
    run: async ({ call }, { id }) => ({ message: 'Notification deleted', ...(await call<{ id: number }>('notifications.delete', { id })) }),
  },
  {
    method: 'GET',
    path: '/api/notifications/connection-stats',
    summary: 'Open connections across instances (administrators)',
    response: compatConnectionStats,
    run: async ({ call }) => toCompatConnectionStats(await call('notifications.connectionStats')),
  },
  {
    method: 'POST',
    path: '/api/goals/assign',
    summary: 'Assign a personal goal to a direct report',
    query: z.object({ assigned_to_user_id: z.coerce.number({ error: 'assigned_to_user_id must be a number' }) }),
    body: compatNewGoal,
    response: compatGoal,
    run: async ({ call }, { query, body }) =>
      toCompatGoal(
        await call('goals.assign', {
          superviseeId: query.assigned_to_user_id,
          title: body.title,
          description: body.description,
          year: body.year,
          dueDate: body.due_date,
          parentGoalId: body.parent_goal_id,
        }),
      ),
  },
  ...(['approve', 'accept'] as const).map((action): CompatRoute => ({
    method: 'PUT',
    path: `/api/goals/{id}/${action}`,
    summary: action === 'approve' ? "Approve a goal (its owner's supervisor)" : 'Accept an assigned goal (its assignee)',
    response: compatGoal,
    run: async ({ call }, { id }) => toCompatGoal(await call(`goals.${action}`, { id })),
  })),
  ...(
    [
      ['reject', 'rejection_reason', "Reject a goal (its owner's supervisor)"],
      ['decline', 'decline_reason', 'Decline an assigned goal (its assignee)'],
    ] as const
  ).map(([action, field, summary]): CompatRoute => ({
    method: 'PUT',
    path: `/api/goals/{id}/${action}`,
    summary,
    query: reason(field),
    response: compatGoal,
    run: async ({ call }, { id, query }) => toCompatGoal(await call(`goals.${action}`, { id, reason: query[field] })),
  })),
  ...(
    [
      ['supervisee-goals', 'goals.superviseeGoals', "Goals of the caller's direct reports"],
      ['pending-approval', 'goals.pendingApproval', "Goals awaiting the caller's approval"],
    ] as const
  ).map(([path, procedure, summary]): CompatRoute => ({
    method: 'GET',
    path: `/api/goals/${path}`,
    summary,
    query: z.object(skipAndLimit(1000, 1000)),
    response: z.array(compatGoal),
    run: async ({ call }, { query }) =>
      (await window(query.skip, query.limit, (cursor) => call<Page<GoalView>>(procedure, { cursor, limit: PAGE }))).map(toCompatGoal),
  })),
];
