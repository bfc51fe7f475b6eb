/**
 * The search page's words and filters as the URL's query string (`/search?q=quar&kinds=goals&status=ACTIVE`),
 * so that a reload, a bookmark, Back and Forward show the same results. Unknown or malformed
 * values are dropped, never an error; the words themselves are checked by the page (searchText).
 */
import { GoalStatus, GoalType, NotificationType, SEARCH_KINDS, type SearchKind } from '@pms/shared';

export interface SearchParams {
  q: string;
  kinds: SearchKind[];
  status?: GoalStatus;
  goalType?: GoalType;
  read?: 'read' | 'unread';
  notificationType?: string;
}

const oneOf = <T extends string>(options: readonly T[], value: string | null): T | undefined =>
  options.includes(value as T) ? (value as T) : undefined;

export function parseSearchParams(search: string): SearchParams {
  const params = new URLSearchParams(search);
  const kinds = SEARCH_KINDS.filter((kind) => (params.get('kinds') ?? '').split(',').includes(kind));
  return {
    q: params.get('q')?.trim() ?? '',
    kinds: kinds.length > 0 ? kinds : [...SEARCH_KINDS],
    status: oneOf(GoalStatus.options, params.get('status')),
    goalType: oneOf(GoalType.options, params.get('goalType')),
    read: oneOf(['read', 'unread'] as const, params.get('read')),
    notificationType: NotificationType.safeParse(params.get('notificationType')).data,
  };
}

/** The query string (without "?"): only what differs from the defaults, in a stable order. */
export function formatSearchParams(search: SearchParams): string {
  const params = new URLSearchParams();
  if (search.q.trim()) params.set('q', search.q.trim());
  if (search.kinds.length < SEARCH_KINDS.length) params.set('kinds', search.kinds.join(','));
  for (const key of ['status', 'goalType', 'read', 'notificationType'] as const) {
    const value = search[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

export const searchHref = (search: SearchParams) => `/search?${formatSearchParams(search)}`;
