/**
 * What the notification procedures answer, as zod schemas: the REST API's documented responses
 * (each REST procedure needs one) and a check on every answer, tRPC's too. Dates are Date objects
 * here; REST sends them as ISO strings (see lib/outputs.ts).
 */
import { z } from 'zod';
import { NotificationActionKind, NotificationPriority, NotificationType, ResolutionOutcome } from '@pms/shared';
import { count, nullableTimestamp, timestamp } from '../lib/outputs.js';

export const notificationOutput = z.object({
  id: z.number().int(),
  type: NotificationType,
  priority: NotificationPriority,
  title: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).describe('Structured details, such as the goal id and the actor'),
  link: z.string().nullable().describe('Where the notification leads in the app'),
  readAt: nullableTimestamp,
  createdAt: timestamp,
  expiresAt: timestamp,
  seenAt: nullableTimestamp.describe('When its recipient saw it in the open bell or list'),
  archivedAt: nullableTimestamp,
  snoozedUntil: nullableTimestamp.describe('While snoozed: when it returns, as new'),
  resolvedAt: nullableTimestamp.describe('When the request it carried was decided; its actions are then void'),
  resolution: z
    .object({ outcome: ResolutionOutcome, byId: z.number().int(), byName: z.string(), reason: z.string().nullable() })
    .nullable(),
  groupKey: z.string().nullable().describe('Notifications sharing a key collapse into one group'),
  actions: z.array(
    z.union([
      z.object({ kind: NotificationActionKind, goalId: z.number().int() }).describe('Calls the goal procedure of the same name'),
      z.object({ kind: z.literal('link'), label: z.string(), url: z.string() }).describe('Opens a page: an in-app path or an https URL'),
    ]),
  ),
});

const lastEventId = z.string().describe('The event stream position this answer reflects: resume live events after it');

export const notificationListOutput = z.object({
  items: z.array(notificationOutput),
  nextCursor: z.number().int().nullable().describe('Pass as `cursor` for the next page; null on the last'),
  lastEventId,
});

const counts = z.object({ total: count, unread: count, unseen: count });

export const notificationStatsOutput = z.object({
  totalCount: count.describe('In the inbox (neither archived nor snoozed)'),
  unreadCount: count,
  unseenCount: count.describe('The badge: not yet seen in the bell or list'),
  archivedCount: count,
  snoozedCount: count,
  byType: z.record(NotificationType, counts).describe('Inbox counts for every type'),
  byPriority: z.record(NotificationPriority, counts).describe('Inbox counts for every priority'),
  lastEventId,
});

export const markedAllReadOutput = z.object({ count: count.describe('How many were unread') });

export const deletedOutput = z.object({ id: z.number().int() });

const instanceStats = z.object({
  instanceId: z.string(),
  sockets: count,
  users: count,
  subscriptions: count,
  startedAt: timestamp,
  reportedAt: timestamp,
});

export const connectionStatsOutput = z.object({
  instances: z.array(instanceStats),
  totals: z.object({
    instances: count,
    sockets: count,
    users: count.describe('Distinct people connected, across instances'),
    subscriptions: count,
  }),
});
