/**
 * How one notification event changes what a tab has cached: the unread badge and counts
 * (`stats`) and every cached page of the list. Pure functions, so the live stream, the
 * optimistic mark-read and the tests all apply events the same way. Applying an event twice
 * (our own action echoed back by the server, a replay after a refetch) changes nothing more.
 */
import type { NotificationEvent, NotificationItem, NotificationListInput, NotificationPage, NotificationStats } from './types';

export interface Pages {
  pages: NotificationPage[];
  pageParams: unknown[];
}

/** What this tab knows of a notification, from any cached list. */
export type KnownNotification = Pick<NotificationItem, 'id' | 'type' | 'priority' | 'readAt'>;

type Counts = NotificationStats['byType'][keyof NotificationStats['byType']];

function adjust(stats: NotificationStats, item: KnownNotification, total: number, unread: number): NotificationStats {
  const bump = (counts: Counts): Counts => ({ total: Math.max(0, counts.total + total), unread: Math.max(0, counts.unread + unread) });
  return {
    ...stats,
    totalCount: Math.max(0, stats.totalCount + total),
    unreadCount: Math.max(0, stats.unreadCount + unread),
    byType: { ...stats.byType, [item.type]: bump(stats.byType[item.type]) },
    byPriority: { ...stats.byPriority, [item.priority]: bump(stats.byPriority[item.priority]) },
  };
}

function noneUnread<K extends string>(record: Record<K, Counts>): Record<K, Counts> {
  return Object.fromEntries(Object.entries<Counts>(record).map(([key, counts]) => [key, { ...counts, unread: 0 }])) as Record<K, Counts>;
}

export interface StatsUpdate {
  stats: NotificationStats;
  /** False when the event concerns a notification this tab never loaded: refetch the counts. */
  exact: boolean;
}

/**
 * The badge reducer. Stats come with `lastEventId`, the stream position they reflect, and
 * live events carry theirs: an event at or before that position is already counted, and a
 * later one is folded in and moves the position on. Local (optimistic) events have no id
 * and rely on what this tab knows of the notification instead.
 */
export function applyEventToStats(
  stats: NotificationStats,
  event: NotificationEvent,
  known: ReadonlyMap<number, KnownNotification>,
  eventId?: string,
): StatsUpdate {
  if (eventId !== undefined && Number(eventId) <= Number(stats.lastEventId)) return { stats, exact: true };
  const { stats: next, exact } = fold(stats, event, known);
  return { stats: eventId === undefined ? next : { ...next, lastEventId: eventId }, exact };
}

function fold(stats: NotificationStats, event: NotificationEvent, known: ReadonlyMap<number, KnownNotification>): StatsUpdate {
  switch (event.kind) {
    case 'created': {
      const { notification } = event;
      return { stats: adjust(stats, notification, 1, notification.readAt ? 0 : 1), exact: true };
    }
    case 'read':
      // The server announces only reads that changed something: each id was unread until now.
      return event.ids.reduce<StatsUpdate>(
        ({ stats: next, exact }, id) => {
          const item = known.get(id);
          if (!item) return { stats: { ...next, unreadCount: Math.max(0, next.unreadCount - 1) }, exact: false };
          return { stats: item.readAt ? next : adjust(next, item, 0, -1), exact };
        },
        { stats, exact: true },
      );
    case 'allRead':
      return { stats: { ...stats, unreadCount: 0, byType: noneUnread(stats.byType), byPriority: noneUnread(stats.byPriority) }, exact: true };
    case 'deleted': {
      const item = known.get(event.id);
      if (!item) return { stats: { ...stats, totalCount: Math.max(0, stats.totalCount - 1) }, exact: false };
      return { stats: adjust(stats, item, -1, item.readAt ? 0 : -1), exact: true };
    }
    case 'upserted':
    case 'state':
    case 'resolved':
      // Counts move in ways this device cannot always tell: read them again.
      return { stats, exact: false };
  }
}

export function matchesFilter(item: KnownNotification, filter: Partial<NotificationListInput>): boolean {
  if (filter.type && item.type !== filter.type) return false;
  if (filter.priority && item.priority !== filter.priority) return false;
  if (filter.unreadOnly && item.readAt) return false;
  return true;
}

function mapItems(data: Pages, change: (items: NotificationItem[]) => NotificationItem[]): Pages {
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: change(page.items) })) };
}

/**
 * One cached list after `event`. A new notification goes on top of the lists whose filter it
 * matches; read ones stay where they are (also in an unread-only list, so nothing jumps away
 * under the pointer) until that list is next fetched.
 */
export function applyEventToPages(data: Pages, event: NotificationEvent, filter: Partial<NotificationListInput>, now: Date): Pages {
  switch (event.kind) {
    case 'created': {
      const { notification } = event;
      const present = data.pages.some((page) => page.items.some((item) => item.id === notification.id));
      if (present || !matchesFilter(notification, filter) || data.pages.length === 0) return data;
      const [first, ...rest] = data.pages;
      return { ...data, pages: [{ ...first!, items: [notification, ...first!.items] }, ...rest] };
    }
    case 'read': {
      const ids = new Set(event.ids);
      return mapItems(data, (items) => items.map((item) => (ids.has(item.id) && !item.readAt ? { ...item, readAt: now } : item)));
    }
    case 'allRead':
      return mapItems(data, (items) => items.map((item) => (item.readAt ? item : { ...item, readAt: now })));
    case 'deleted':
      return mapItems(data, (items) => items.filter((item) => item.id !== event.id));
    case 'upserted': {
      const { notification } = event;
      const present = data.pages.some((page) => page.items.some((item) => item.id === notification.id));
      if (!present) return applyEventToPages(data, { kind: 'created', notification }, filter, now);
      return mapItems(data, (items) => items.map((item) => (item.id === notification.id ? notification : item)));
    }
    case 'state': {
      const ids = new Set(event.ids);
      return mapItems(data, (items) => items.map((item) => (ids.has(item.id) ? { ...item, ...event.change } : item)));
    }
    case 'resolved': {
      const ids = new Set(event.ids);
      const { resolvedAt, resolution } = event;
      return mapItems(data, (items) => items.map((item) => (ids.has(item.id) ? { ...item, resolvedAt, resolution, actions: [] } : item)));
    }
  }
}

/** Every notification found in the given cached lists, by id. */
export function knownNotifications(lists: Iterable<Pages | undefined>): Map<number, KnownNotification> {
  const known = new Map<number, KnownNotification>();
  for (const data of lists) {
    for (const page of data?.pages ?? []) for (const item of page.items) known.set(item.id, item);
  }
  return known;
}
