import { z } from 'zod';
import { NotificationPriority, NotificationType, NotificationView, text, wholeNumber } from '@pms/shared';

/** Notification ids are `bigint` in the database; as JS numbers they stay exact up to 2^53 - 1. */
const notificationId = (field: string) =>
  wholeNumber(field, 1, Number.MAX_SAFE_INTEGER, { below: `${field} must be positive` });

/** Notifications one call may change: bounds the statement, the lock time and each event's payload. */
export const MAX_IDS = 500;

const idsMessage = `ids must hold 1 to ${MAX_IDS} notification ids`;

/** 1 to MAX_IDS distinct notification ids; a repeated one is named (it is most likely a client bug). */
const ids = z
  .array(notificationId('ids'), { error: (issue) => (issue.input === undefined ? 'ids is required' : idsMessage) })
  .min(1, { error: idsMessage })
  .max(MAX_IDS, { error: idsMessage })
  .superRefine((list, context) => {
    const seen = new Set<number>();
    const repeated = list.find((id) => seen.size === seen.add(id).size);
    if (repeated !== undefined) context.addIssue({ code: 'custom', message: `ids must not repeat an id (${repeated} is given twice)` });
  });

export const idsInput = z.object({ ids });

export const ReadFilter = z.enum(['read', 'unread'], { error: 'read must be one of read, unread' });
export type ReadFilter = z.infer<typeof ReadFilter>;

/** Which notifications a list shows, or a bulk change applies to (filters.ts turns it into SQL). */
const filterFields = {
  type: NotificationType.optional(),
  priority: NotificationPriority.optional(),
  /** Which notifications: the inbox (neither archived nor snoozed), archived, snoozed, or all. */
  view: NotificationView.default('inbox'),
  /** Read includes resolved requests (they leave the unread count). */
  read: ReadFilter.optional(),
  /** Free text over title and message (web-search syntax: "quoted phrase", or, -word). */
  q: text('q', 200).optional(),
};

export const notificationFilter = z.object(filterFields);
export type NotificationFilter = z.output<typeof notificationFilter>;

export const listInput = z
  .object({
    /** The `nextCursor` of the previous page. */
    cursor: notificationId('cursor').optional(),
    limit: wholeNumber('limit', 1, 100).default(20),
    ...filterFields,
    /** The same as `read: 'unread'`, kept for older clients. */
    unreadOnly: z.boolean({ error: 'unreadOnly must be true or false' }).optional(),
  })
  .refine((input) => !(input.unreadOnly && input.read === 'read'), { error: "read: 'read' contradicts unreadOnly", path: ['read'] })
  .default({ limit: 20, view: 'inbox' });

/**
 * What a bulk change applies to: `ids` (1 to MAX_IDS, all the caller's or nothing is applied), or
 * every notification matching `filter` (the shape of `list`'s filters), up to `maxId` when given:
 * the newest one the caller has seen, so one arriving meanwhile is left alone.
 */
const bulkTarget = {
  ids: ids.optional(),
  filter: notificationFilter.optional(),
  maxId: notificationId('maxId').optional(),
};

export type BulkTarget = { ids: number[] } | { filter: NotificationFilter; maxId?: number | undefined };

function toTarget({ ids, filter, maxId }: { ids?: number[] | undefined; filter?: NotificationFilter | undefined; maxId?: number | undefined }, context: z.RefinementCtx): BulkTarget {
  if (ids && filter) context.addIssue({ code: 'custom', message: 'give either ids or filter, not both', path: ['filter'] });
  else if (ids && maxId !== undefined) context.addIssue({ code: 'custom', message: 'maxId goes with filter, not with ids', path: ['maxId'] });
  else if (!ids && !filter) context.addIssue({ code: 'custom', message: 'ids or filter is required', path: ['ids'] });
  return ids ? { ids } : { filter: filter!, maxId };
}

export const setReadInput = z
  .object({ ...bulkTarget, read: z.boolean({ error: 'read must be true or false' }) })
  .transform(({ read, ...target }, context) => ({ read, target: toTarget(target, context) }));
export const setArchivedInput = z
  .object({ ...bulkTarget, archived: z.boolean({ error: 'archived must be true or false' }) })
  .transform(({ archived, ...target }, context) => ({ archived, target: toTarget(target, context) }));
export const deleteManyInput = z.object(bulkTarget).transform((target, context) => ({ target: toTarget(target, context) }));

export type ListInput = z.output<typeof listInput>;

export const notificationIdInput = z.object({ id: notificationId('id') });

/** How far ahead a notification may be snoozed. */
export const MAX_SNOOZE_DAYS = 366;

export const snoozeInput = z.object({
  id: notificationId('id'),
  // Checked against the clock at each call, not when the schema was built.
  until: z
    .date({ error: 'until must be a date' })
    .refine((until) => until.getTime() > Date.now(), { error: 'until must be in the future' })
    .refine((until) => until.getTime() <= Date.now() + MAX_SNOOZE_DAYS * 86_400_000, {
      error: `until must be at most ${MAX_SNOOZE_DAYS} days ahead`,
    }),
});
