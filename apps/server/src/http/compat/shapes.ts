/**
 * The original deployment's JSON, as its FastAPI service spoke it: snake_case fields, ISO dates,
 * and lists as plain arrays. Each shape is a zod schema (the OpenAPI document's, and a check on
 * every answer) and a function from what the procedures answer.
 */
import { z } from 'zod';
import { GoalStatus, GoalType, NotificationPriority, NotificationType } from '@pms/shared';
import type { GoalView, NotificationView, RouterOutputs } from '@pms/api';

const isoDate = z.string().meta({ format: 'date-time' });

export const compatNotification = z.object({
  id: z.number().int(),
  user_id: z.number().int().describe('The recipient'),
  notification_type: NotificationType,
  priority: NotificationPriority,
  title: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  link: z.string().nullable(),
  is_read: z.boolean(),
  read_at: isoDate.nullable(),
  created_at: isoDate,
  expires_at: isoDate,
  group_key: z.string().nullable().describe('Notifications sharing a key collapse into one group'),
});

export const toCompatNotification = (userId: number, n: NotificationView): z.infer<typeof compatNotification> => ({
  id: n.id,
  user_id: userId,
  notification_type: n.type,
  priority: n.priority,
  title: n.title,
  message: n.message,
  data: n.data,
  link: n.link,
  // As the unread count and unread_only have it: a decided request is no longer unread.
  is_read: n.readAt !== null || n.resolvedAt !== null,
  read_at: n.readAt?.toISOString() ?? null,
  created_at: n.createdAt.toISOString(),
  expires_at: n.expiresAt.toISOString(),
  group_key: n.groupKey,
});

export const compatStats = z.object({
  total_count: z.number().int(),
  unread_count: z.number().int(),
  by_type: z.record(z.string(), z.number().int()).describe('How many of each type'),
  by_priority: z.record(z.string(), z.number().int()).describe('How many of each priority'),
});

type Stats = RouterOutputs['notifications']['stats'];
const totals = (counts: Record<string, { total: number }>) => Object.fromEntries(Object.entries(counts).map(([key, c]) => [key, c.total]));

export const toCompatStats = (stats: Stats): z.infer<typeof compatStats> => ({
  total_count: stats.totalCount,
  unread_count: stats.unreadCount,
  by_type: totals(stats.byType),
  by_priority: totals(stats.byPriority),
});

export const compatConnectionStats = z.object({
  total_connections: z.number().int().describe('Open sockets, across instances'),
  unique_users: z.number().int().describe('Distinct people connected, across instances'),
  total_subscriptions: z.number().int(),
  instances: z.array(
    z.object({
      instance_id: z.string(),
      connections: z.number().int(),
      unique_users: z.number().int(),
      subscriptions: z.number().int(),
      started_at: isoDate,
      reported_at: isoDate,
    }),
  ),
});

export const toCompatConnectionStats = ({ instances, totals }: RouterOutputs['notifications']['connectionStats']) => ({
  total_connections: totals.sockets,
  unique_users: totals.users,
  total_subscriptions: totals.subscriptions,
  instances: instances.map((i) => ({
    instance_id: i.instanceId,
    connections: i.sockets,
    unique_users: i.users,
    subscriptions: i.subscriptions,
    started_at: i.startedAt.toISOString(),
    reported_at: i.reportedAt.toISOString(),
  })),
});

export const compatGoal = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  goal_type: GoalType,
  year: z.number().int(),
  quarter: z.number().int().nullable(),
  due_date: z.string().nullable().describe('A date like 2026-03-31'),
  status: GoalStatus,
  progress: z.number().int(),
  owner_id: z.number().int(),
  owner_name: z.string(),
  supervisor_id: z.number().int().nullable().describe("The owner's supervisor"),
  created_by: z.number().int(),
  creator_name: z.string(),
  parent_goal_id: z.number().int().nullable(),
  rejection_reason: z.string().nullable(),
  decline_reason: z.string().nullable(),
  version: z.number().int(),
  created_at: isoDate,
  updated_at: isoDate,
});

export const toCompatGoal = (g: GoalView): z.infer<typeof compatGoal> => ({
  id: g.id,
  title: g.title,
  description: g.description,
  goal_type: g.type,
  year: g.year,
  quarter: g.quarter,
  due_date: g.dueDate,
  status: g.status,
  progress: g.progress,
  owner_id: g.owner.id,
  owner_name: g.owner.name,
  supervisor_id: g.owner.supervisorId,
  created_by: g.creator.id,
  creator_name: g.creator.name,
  parent_goal_id: g.parentGoalId,
  rejection_reason: g.status === 'REJECTED' ? g.lastReason : null,
  decline_reason: g.status === 'DECLINED' ? g.lastReason : null,
  version: g.version,
  created_at: g.createdAt.toISOString(),
  updated_at: g.updatedAt.toISOString(),
});

/** The goal a supervisor assigns (POST /api/goals/assign): the original's field names, checked again by goals.assign. */
export const compatNewGoal = z.object({
  title: z.string(),
  description: z.string().optional(),
  year: z.number().int().optional(),
  due_date: z.string().optional().describe('A date like 2026-03-31'),
  parent_goal_id: z.number().int().optional(),
});

export const message = (text: string) => z.object({ message: z.literal(text) });
