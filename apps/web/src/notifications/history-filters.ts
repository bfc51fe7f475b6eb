/**
 * The history page's filters as the URL's query string, so that a reload, a bookmark or a
 * shared link shows the same list. Unknown or malformed values are dropped, never an error.
 */
import { NotificationPriority, NotificationType, NotificationView, type NotificationViewName } from '@pms/shared';

export type ReadFilter = 'read' | 'unread';

export interface HistoryFilters {
  view: NotificationViewName;
  read?: ReadFilter;
  type?: NotificationType;
  priority?: NotificationPriority;
  q?: string;
}

const oneOf = <T extends string>(options: readonly T[], value: string | null): T | undefined =>
  options.includes(value as T) ? (value as T) : undefined;

export function parseFilters(search: string): HistoryFilters {
  const params = new URLSearchParams(search);
  const q = params.get('q')?.trim();
  return {
    view: oneOf(NotificationView.options, params.get('view')) ?? 'inbox',
    read: oneOf(['read', 'unread'] as const, params.get('read')),
    // Any well-formed name: the registry (server) says whether it exists.
    type: NotificationType.safeParse(params.get('type')).data,
    priority: oneOf(NotificationPriority.options, params.get('priority')),
    q: q || undefined,
  };
}

/** The query string (without "?"): only what differs from the defaults, in a stable order. */
export function formatFilters(filters: HistoryFilters): string {
  const params = new URLSearchParams();
  if (filters.view !== 'inbox') params.set('view', filters.view);
  if (filters.read) params.set('read', filters.read);
  if (filters.type) params.set('type', filters.type);
  if (filters.priority) params.set('priority', filters.priority);
  if (filters.q?.trim()) params.set('q', filters.q.trim());
  return params.toString();
}

/** The list query's input for these filters. */
export function listFilterOf(filters: HistoryFilters) {
  const { view, read, type, priority, q } = filters;
  return { view, ...(read && { read }), ...(type && { type }), ...(priority && { priority }), ...(q && { q }) };
}
