/**
 * How one notification event changes what a tab has cached: the badge and counts (`stats`)
 * and every cached page of the list. Pure functions, so the live stream, the optimistic
 * actions and the tests all apply events the same way. Applying an event twice (our own
 * action echoed back by the server, a replay after a refetch) changes nothing more.
 */
import type { NotificationEvent, NotificationItem, NotificationListInput, NotificationPage, NotificationStats } from './types';

export interface Pages {
  pages: NotificationPage[];
  pageParams: unknown[];
}

/** What this tab knows of a notification, from any cached list. */
export type KnownNotification = Pick<
  NotificationItem,
  'id' | 'type' | 'priority' | 'readAt' | 'seenAt' | 'archivedAt' | 'snoozedUntil' | 'resolvedAt'
>;

type Counts = NotificationStats['byType'][keyof NotificationStats['byType']];

/**
 * What one notification adds to each count, as the server counts (filters.ts there): totals,
 * unread and unseen are over the inbox (neither archived nor snoozed), and a resolved request
 * is neither unread nor unseen.
 */
interface Contribution {
  total: number;
  unread: number;
  unseen: number;
  archived: number;
  snoozed: number;
}

const NOTHING: Contribution = { total: 0, unread: 0, unseen: 0, archived: 0, snoozed: 0 };

function contributionOf(item: KnownNotification): Contribution {
  const inbox = !item.archivedAt && !item.snoozedUntil;
  const open = inbox && !item.resolvedAt;
  return {
    total: inbox ? 1 : 0,
    unread: open && !item.readAt ? 1 : 0,
    unseen: open && !item.seenAt ? 1 : 0,
    archived: item.archivedAt ? 1 : 0,
    snoozed: item.snoozedUntil ? 1 : 0,
  };
}

const minus = (a: Contribution, b: Contribution): Contribution => ({
  total: a.total - b.total,
  unread: a.unread - b.unread,
  unseen: a.unseen - b.unseen,
  archived: a.archived - b.archived,
  snoozed: a.snoozed - b.snoozed,
});

const atLeastZero = (value: number) => Math.max(0, value);

/** The stats with `delta` added to the totals and to the entries of `item`'s type and priority. */
function adjust(stats: NotificationStats, item: Pick<KnownNotification, 'type' | 'priority'>, delta: Contribution): NotificationStats {
  const bump = (counts: Counts): Counts => ({
    total: atLeastZero(counts.total + delta.total),
    unread: atLeastZero(counts.unread + delta.unread),
    unseen: atLeastZero(counts.unseen + delta.unseen),
  });
  return {
    ...stats,
    totalCount: atLeastZero(stats.totalCount + delta.total),
    unreadCount: atLeastZero(stats.unreadCount + delta.unread),
    unseenCount: atLeastZero(stats.unseenCount + delta.unseen),
    archivedCount: atLeastZero(stats.archivedCount + delta.archived),
    snoozedCount: atLeastZero(stats.snoozedCount + delta.snoozed),
    byType: { ...stats.byType, [item.type]: bump(stats.byType[item.type] ?? { total: 0, unread: 0, unseen: 0 }) },
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

/** What a change of the given notifications (each as `change` makes it) does to the counts, where this tab knows them. */
function foldChanges(
  stats: NotificationStats,
  ids: readonly number[],
  known: ReadonlyMap<number, KnownNotification>,
  change: (item: KnownNotification) => KnownNotification,
  guessForUnknown: Partial<Contribution>,
): StatsUpdate {
  return ids.reduce<StatsUpdate>(
    ({ stats: next, exact }, id) => {
      const item = known.get(id);
      if (!item) {
        // Never loaded here: a best guess until the exact counts arrive.
        const guess = { ...NOTHING, ...guessForUnknown };
        return {
          stats: {
            ...next,
            unreadCount: atLeastZero(next.unreadCount + guess.unread),
            unseenCount: atLeastZero(next.unseenCount + guess.unseen),
          },
          exact: false,
        };
      }
      return { stats: adjust(next, item, minus(contributionOf(change(item)), contributionOf(item))), exact };
    },
    { stats, exact: true },
  );
}

function fold(stats: NotificationStats, event: NotificationEvent, known: ReadonlyMap<number, KnownNotification>): StatsUpdate {
  switch (event.kind) {
    case 'created': {
      const { notification } = event;
      if (known.has(notification.id)) return { stats, exact: true };
      return { stats: adjust(stats, notification, contributionOf(notification)), exact: true };
    }
    case 'upserted': {
      const { notification } = event;
      const before = known.get(notification.id);
      // Unknown here, it may have been counted already (a snoozed one returning): read them again.
      if (!before) return { stats: adjust(stats, notification, contributionOf(notification)), exact: false };
      return { stats: adjust(stats, notification, minus(contributionOf(notification), contributionOf(before))), exact: true };
    }
    case 'read':
      // The server announces only reads that changed something.
      return foldChanges(stats, event.ids, known, (item) => ({ ...item, readAt: item.readAt ?? new Date() }), { unread: -1 });
    case 'state': {
      const { change } = event;
      const guess = 'seenAt' in change ? { unseen: -1 } : 'readAt' in change && change.readAt ? { unread: -1 } : {};
      return foldChanges(stats, event.ids, known, (item) => ({ ...item, ...change }), guess);
    }
    case 'resolved':
      return foldChanges(stats, event.ids, known, (item) => ({ ...item, resolvedAt: event.resolvedAt }), {});
    case 'allRead':
      return { stats: { ...stats, unreadCount: 0, byType: noneUnread(stats.byType), byPriority: noneUnread(stats.byPriority) }, exact: true };
    case 'deleted': {
      let result = { stats, exact: true };
      for (const id of event.ids) {
        const item = known.get(id);
        result = item
          ? { stats: adjust(result.stats, item, minus(NOTHING, contributionOf(item))), exact: result.exact }
          : { stats: { ...result.stats, totalCount: atLeastZero(result.stats.totalCount - 1) }, exact: false };
      }
      return result;
    }
  }
}

/** The list filters that decide whether a notification belongs in a list. */
export type ListFilter = Partial<Pick<NotificationListInput, 'type' | 'priority' | 'unreadOnly' | 'view' | 'read' | 'q'>>;

export function matchesFilter(item: KnownNotification, filter: ListFilter): boolean {
  if (filter.type && item.type !== filter.type) return false;
  if (filter.priority && item.priority !== filter.priority) return false;
  // Read includes resolved requests, as on the server.
  const read = Boolean(item.readAt || item.resolvedAt);
  if ((filter.unreadOnly || filter.read === 'unread') && read) return false;
  if (filter.read === 'read' && !read) return false;
  // Full-text search (web-search syntax) is the server's: a searched list takes new ones when next fetched.
  if (filter.q) return false;
  return inView(item, filter.view ?? 'inbox');
}

function inView(item: KnownNotification, view: NonNullable<ListFilter['view']>): boolean {
  switch (view) {
    case 'inbox':
      return !item.archivedAt && !item.snoozedUntil;
    case 'archived':
      return Boolean(item.archivedAt);
    case 'snoozed':
      return Boolean(item.snoozedUntil);
    case 'all':
      return true;
  }
}

function mapItems(data: Pages, change: (items: NotificationItem[]) => NotificationItem[]): Pages {
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: change(page.items) })) };
}

/**
 * One cached list after `event`. A new notification goes on top of the lists whose filter it
 * matches; read ones stay where they are (also in an unread-only list, so nothing jumps away
 * under the pointer) until that list is next fetched. Archived, snoozed or returned ones
 * move between views at once: that is what the person asked for.
 */
export function applyEventToPages(data: Pages, event: NotificationEvent, filter: ListFilter, now: Date): Pages {
  const present = (id: number) => data.pages.some((page) => page.items.some((item) => item.id === id));
  switch (event.kind) {
    case 'created': {
      const { notification } = event;
      if (present(notification.id) || !matchesFilter(notification, filter) || data.pages.length === 0) return data;
      const [first, ...rest] = data.pages;
      return { ...data, pages: [{ ...first!, items: [notification, ...first!.items] }, ...rest] };
    }
    case 'upserted': {
      const { notification } = event;
      if (!present(notification.id)) return applyEventToPages(data, { kind: 'created', notification }, filter, now);
      if (!inView(notification, filter.view ?? 'inbox')) return mapItems(data, (items) => items.filter((item) => item.id !== notification.id));
      return mapItems(data, (items) => items.map((item) => (item.id === notification.id ? notification : item)));
    }
    case 'read': {
      const ids = new Set(event.ids);
      return mapItems(data, (items) => items.map((item) => (ids.has(item.id) && !item.readAt ? { ...item, readAt: now } : item)));
    }
    case 'allRead':
      return mapItems(data, (items) => items.map((item) => (item.readAt ? item : { ...item, readAt: now })));
    case 'deleted': {
      const ids = new Set(event.ids);
      return mapItems(data, (items) => items.filter((item) => !ids.has(item.id)));
    }
    case 'state': {
      const ids = new Set(event.ids);
      const moves = 'archivedAt' in event.change || 'snoozedUntil' in event.change;
      const view = filter.view ?? 'inbox';
      return mapItems(data, (items) =>
        items.flatMap((item) => {
          if (!ids.has(item.id)) return [item];
          const changed = { ...item, ...event.change };
          return moves && !inView(changed, view) ? [] : [changed];
        }),
      );
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
