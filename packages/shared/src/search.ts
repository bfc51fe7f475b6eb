/**
 * The search box's input, shared by the server (search.query) and the SPA (which reads the same
 * fields from its URL and checks the text with the same messages before asking).
 */
import { z } from 'zod';
import { GoalStatus, GoalType, NotificationType } from './enums.js';
import { text, wholeNumber } from './inputs.js';

export const SEARCH_KINDS = ['goals', 'notifications'] as const;
export const SearchKind = z.enum(SEARCH_KINDS, { error: `kinds must hold goals, notifications` });
export type SearchKind = z.infer<typeof SearchKind>;

/** Results one call may skip: ranked search is for finding, not for paging through everything. */
export const MAX_SEARCH_OFFSET = 500;

/** Letters and numbers in any script (and their combining marks): what a search term is made of. */
export const SEARCH_WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The words searched for: 1-200 characters, with at least one letter or number. */
export const searchText = text('q', 200).refine((q) => q.match(SEARCH_WORD) !== null, {
  error: 'q must contain a letter or a number to search for',
});

export const searchInput = z.object({
  q: searchText,
  /** What to search: both by default. */
  kinds: z
    .array(SearchKind, { error: 'kinds must be a list of goals, notifications' })
    .min(1, { error: 'kinds must name goals, notifications or both' })
    .max(SEARCH_KINDS.length, { error: 'kinds must name goals, notifications or both' })
    .transform((kinds) => [...new Set(kinds)])
    .default([...SEARCH_KINDS]),
  /** Goal filters. */
  status: z.enum(GoalStatus.options, { error: `status must be one of ${GoalStatus.options.join(', ')}` }).optional(),
  goalType: z.enum(GoalType.options, { error: `goalType must be one of ${GoalType.options.join(', ')}` }).optional(),
  /** Notification filters: read (resolved requests count as read) or unread, and the type. */
  read: z.enum(['read', 'unread'], { error: 'read must be one of read, unread' }).optional(),
  notificationType: NotificationType.optional(),
  /** Results per kind, best first. */
  limit: wholeNumber('limit', 1, 50).default(10),
  /** How many results of each kind to skip: the `nextCursor` of the previous page. */
  cursor: wholeNumber('cursor', 0, MAX_SEARCH_OFFSET).nullish(),
});
export type SearchInput = z.input<typeof searchInput>;
