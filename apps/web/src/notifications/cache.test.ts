import { BuiltInNotificationType, NotificationPriority } from '@pms/shared';
import { describe, expect, it } from 'vitest';
import { applyEventToPages, applyEventToStats, knownNotifications, matchesFilter, type Pages } from './cache';
import type { NotificationItem, NotificationStats } from './types';

const now = new Date('2026-11-25T10:00:00Z');

function item(id: number, change: Partial<NotificationItem> = {}): NotificationItem {
  return {
    id,
    type: 'GOAL_SUBMITTED',
    priority: 'HIGH',
    title: `Notification ${id}`,
    message: 'Someone submitted a goal',
    data: { goalId: id },
    link: `/goals/${id}`,
    readAt: null,
    createdAt: new Date('2026-11-25T09:00:00Z'),
    expiresAt: new Date('2026-12-25T09:00:00Z'),
    seenAt: null,
    archivedAt: null,
    snoozedUntil: null,
    resolvedAt: null,
    resolution: null,
    groupKey: null,
    actions: [],
    ...change,
  };
}

/** The counts as the server computes them (queries.ts notificationStats), written out independently. */
function statsOf(items: NotificationItem[], lastEventId: string): NotificationStats {
  const zero = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, { total: 0, unread: 0, unseen: 0 }])) as Record<K, { total: number; unread: number; unseen: number }>;
  const stats = {
    totalCount: 0,
    unreadCount: 0,
    unseenCount: 0,
    archivedCount: 0,
    snoozedCount: 0,
    byType: zero<string>(BuiltInNotificationType.options),
    byPriority: zero(NotificationPriority.options),
    lastEventId,
  };
  for (const n of items) {
    if (n.archivedAt) stats.archivedCount++;
    if (n.snoozedUntil) stats.snoozedCount++;
    if (n.archivedAt || n.snoozedUntil) continue;
    const unread = n.readAt || n.resolvedAt ? 0 : 1;
    const unseen = n.seenAt || n.resolvedAt ? 0 : 1;
    stats.totalCount++;
    stats.unreadCount += unread;
    stats.unseenCount += unseen;
    for (const counts of [(stats.byType[n.type] ??= { total: 0, unread: 0, unseen: 0 }), stats.byPriority[n.priority]]) {
      counts.total++;
      counts.unread += unread;
      counts.unseen += unseen;
    }
  }
  return stats;
}

const pagesOf = (...pages: NotificationItem[][]): Pages => ({
  pages: pages.map((items, index) => ({ items, nextCursor: index < pages.length - 1 ? items.at(-1)!.id : null, lastEventId: '10' })),
  pageParams: pages.map((_, index) => (index === 0 ? undefined : pages[index - 1]!.at(-1)!.id)),
});

describe('applyEventToStats (the badge)', () => {
  const a = item(1);
  const b = item(2, { type: 'GOAL_APPROVED', priority: 'NORMAL' });
  const read = item(3, { readAt: now });
  const all = [a, b, read];
  const known = knownNotifications([pagesOf(all)]);
  const snapshot = statsOf(all, '10');

  it('counts a new notification, with its type and priority, and moves the position on', () => {
    const fresh = item(4, { type: 'GOAL_REJECTED', priority: 'URGENT' });
    const { stats, exact } = applyEventToStats(snapshot, { kind: 'created', notification: fresh }, known, '11');
    expect(stats).toEqual(statsOf([...all, fresh], '11'));
    expect(exact).toBe(true);
  });

  it('counts a notification born archived (its category is off in the app) only as archived, and keeps it out of the inbox', () => {
    const quiet = item(4, { type: 'GOAL_APPROVED', seenAt: now, readAt: now, archivedAt: now });
    const { stats } = applyEventToStats(snapshot, { kind: 'created', notification: quiet }, known, '11');
    expect(stats).toEqual(statsOf([...all, quiet], '11'));
    expect([stats.unreadCount, stats.unseenCount, stats.archivedCount]).toEqual([snapshot.unreadCount, snapshot.unseenCount, 1]);
    const inbox = applyEventToPages(pagesOf(all), { kind: 'created', notification: quiet }, { view: 'inbox' }, now);
    expect(inbox.pages.flatMap((page) => page.items).map((n) => n.id)).toEqual([1, 2, 3]);
  });

  it('ignores events the stats already reflect, so a replay counts nothing twice', () => {
    const fresh = item(4);
    const once = applyEventToStats(snapshot, { kind: 'created', notification: fresh }, known, '11').stats;
    expect(applyEventToStats(once, { kind: 'created', notification: fresh }, known, '11').stats).toBe(once);
    expect(applyEventToStats(snapshot, { kind: 'read', ids: [1] }, known, '9').stats).toBe(snapshot);
  });

  it('takes a read notification off the badge', () => {
    const { stats, exact } = applyEventToStats(snapshot, { kind: 'read', ids: [1] }, known, '11');
    expect(stats).toEqual(statsOf([{ ...a, readAt: now }, b, read], '11'));
    expect(exact).toBe(true);
  });

  it('is unchanged by the echo of a read this tab already applied optimistically', () => {
    const optimistic = applyEventToStats(snapshot, { kind: 'read', ids: [1] }, known).stats;
    expect(optimistic).toEqual(statsOf([{ ...a, readAt: now }, b, read], '10'));
    const knownAfter = knownNotifications([applyEventToPages(pagesOf(all), { kind: 'read', ids: [1] }, {}, now)]);
    const echo = applyEventToStats(optimistic, { kind: 'read', ids: [1] }, knownAfter, '11');
    expect(echo.stats).toEqual({ ...optimistic, lastEventId: '11' });
  });

  it('lowers the badge for a read of a notification it never loaded, and asks for the exact counts', () => {
    const { stats, exact } = applyEventToStats(snapshot, { kind: 'read', ids: [99] }, known, '11');
    expect(stats.unreadCount).toBe(snapshot.unreadCount - 1);
    expect(exact).toBe(false);
  });

  it('clears every unread count on allRead and keeps the totals', () => {
    const { stats } = applyEventToStats(snapshot, { kind: 'allRead' }, known, '11');
    expect(stats).toEqual(statsOf(all.map((n) => ({ ...n, readAt: n.readAt ?? now })), '11'));
    expect(stats.totalCount).toBe(3);
  });

  it('removes a deleted notification from the total and, if unread, from the badge', () => {
    expect(applyEventToStats(snapshot, { kind: 'deleted', ids: [2] }, known, '11').stats).toEqual(statsOf([a, read], '11'));
    expect(applyEventToStats(snapshot, { kind: 'deleted', ids: [3] }, known, '11').stats).toEqual(statsOf([a, b], '11'));
    const unknown = applyEventToStats(snapshot, { kind: 'deleted', ids: [99] }, known, '11');
    expect(unknown.stats.totalCount).toBe(2);
    expect(unknown.exact).toBe(false);
  });

  it('removes every notification of a bulk deletion at once, and is exact only if it knew them all', () => {
    const both = applyEventToStats(snapshot, { kind: 'deleted', ids: [2, 3] }, known, '11');
    expect(both).toEqual({ stats: statsOf([a], '11'), exact: true });
    const partly = applyEventToStats(snapshot, { kind: 'deleted', ids: [2, 99] }, known, '11');
    expect(partly.stats.totalCount).toBe(1);
    expect(partly.exact).toBe(false);
  });

  it('never goes below zero', () => {
    const empty = statsOf([], '10');
    expect(applyEventToStats(empty, { kind: 'deleted', ids: [1] }, known, '11').stats.unreadCount).toBe(0);
    expect(applyEventToStats(empty, { kind: 'read', ids: [42] }, known, '12').stats.unreadCount).toBe(0);
  });
});

describe('applyEventToStats (inbox states)', () => {
  const request = item(1, { actions: [{ kind: 'approve', goalId: 1 }] });
  const seen = item(2, { seenAt: now, priority: 'LOW' });
  const archived = item(3, { archivedAt: now, readAt: now });
  const all = [request, seen, archived];
  const known = knownNotifications([pagesOf(all)]);
  const snapshot = statsOf(all, '10');
  const resolution = { outcome: 'APPROVED' as const, byId: 7, byName: 'Sam', reason: null };

  it('takes a seen notification off the badge and keeps it unread', () => {
    const { stats, exact } = applyEventToStats(snapshot, { kind: 'state', ids: [1], change: { seenAt: now } }, known, '11');
    expect(stats).toEqual(statsOf([{ ...request, seenAt: now }, seen, archived], '11'));
    expect(stats.unseenCount).toBe(0);
    expect(stats.unreadCount).toBe(2);
    expect(exact).toBe(true);
  });

  it('counts unread again, archives out of the inbox counts and back in', () => {
    const unread = applyEventToStats(snapshot, { kind: 'state', ids: [3], change: { readAt: null } }, known, '11').stats;
    expect(unread).toEqual(statsOf([request, seen, { ...archived, readAt: null }], '11'));
    const archivedToo = applyEventToStats(snapshot, { kind: 'state', ids: [1], change: { archivedAt: now } }, known, '11').stats;
    expect(archivedToo).toEqual(statsOf([{ ...request, archivedAt: now }, seen, archived], '11'));
    const back = applyEventToStats(snapshot, { kind: 'state', ids: [3], change: { archivedAt: null } }, known, '11').stats;
    expect(back).toEqual(statsOf([request, seen, { ...archived, archivedAt: null }], '11'));
  });

  it('moves a snoozed notification to the snoozed count, and a returning one (upserted) back', () => {
    const until = new Date('2026-11-25T11:00:00Z');
    const snoozed = applyEventToStats(snapshot, { kind: 'state', ids: [2], change: { snoozedUntil: until } }, known, '11').stats;
    expect(snoozed).toEqual(statsOf([request, { ...seen, snoozedUntil: until }, archived], '11'));
    const knownSnoozed = knownNotifications([pagesOf([request, { ...seen, snoozedUntil: until }, archived])]);
    const returned = applyEventToStats(snoozed, { kind: 'upserted', notification: seen }, knownSnoozed, '12');
    expect(returned.stats).toEqual(statsOf(all, '12'));
    expect(returned.exact).toBe(true);
  });

  it('takes a resolved request off the unread and unseen counts, and keeps it in the total', () => {
    const { stats, exact } = applyEventToStats(snapshot, { kind: 'resolved', ids: [1], resolvedAt: now, resolution }, known, '11');
    expect(stats).toEqual(statsOf([{ ...request, resolvedAt: now, resolution, actions: [] }, seen, archived], '11'));
    expect(stats.totalCount).toBe(2);
    expect(exact).toBe(true);
  });

  it('guesses for notifications it never loaded and asks for the exact counts', () => {
    const seenElsewhere = applyEventToStats(snapshot, { kind: 'state', ids: [99], change: { seenAt: now } }, known, '11');
    expect(seenElsewhere.stats.unseenCount).toBe(snapshot.unseenCount - 1);
    expect(seenElsewhere.exact).toBe(false);
    expect(applyEventToStats(snapshot, { kind: 'resolved', ids: [99], resolvedAt: now, resolution }, known, '11').exact).toBe(false);
    expect(applyEventToStats(snapshot, { kind: 'upserted', notification: item(99) }, known, '11').exact).toBe(false);
  });

  it('is unchanged by the echo of a change this tab already applied optimistically', () => {
    const change = { kind: 'state' as const, ids: [1], change: { archivedAt: now } };
    const optimistic = applyEventToStats(snapshot, change, known).stats;
    const knownAfter = knownNotifications([applyEventToPages(pagesOf(all), change, { view: 'all' }, now)]);
    expect(applyEventToStats(optimistic, change, knownAfter, '11').stats).toEqual({ ...optimistic, lastEventId: '11' });
  });
});

describe('applyEventToPages', () => {
  it('moves archived and snoozed notifications out of the inbox and a returning one back on top', () => {
    const inbox = pagesOf([item(2), item(1)]);
    const archivedView = pagesOf([item(3, { archivedAt: now })]);
    const archive = { kind: 'state' as const, ids: [1], change: { archivedAt: now } };
    expect(applyEventToPages(inbox, archive, {}, now).pages[0]!.items.map((n) => n.id)).toEqual([2]);
    expect(applyEventToPages(inbox, archive, { view: 'all' }, now).pages[0]!.items[0]!.id).toBe(2);
    expect(applyEventToPages(inbox, archive, { view: 'all' }, now).pages[0]!.items[1]!.archivedAt).toBe(now);
    const unarchive = { kind: 'state' as const, ids: [3], change: { archivedAt: null } };
    expect(applyEventToPages(archivedView, unarchive, { view: 'archived' }, now).pages[0]!.items).toEqual([]);
    const returned = applyEventToPages(pagesOf([item(2)]), { kind: 'upserted', notification: item(5) }, {}, now);
    expect(returned.pages[0]!.items.map((n) => n.id)).toEqual([5, 2]);
    const snoozedView = pagesOf([item(5, { snoozedUntil: now })]);
    expect(applyEventToPages(snoozedView, { kind: 'upserted', notification: item(5) }, { view: 'snoozed' }, now).pages[0]!.items).toEqual([]);
  });

  it('shows a resolution in place of the actions', () => {
    const resolution = { outcome: 'REJECTED' as const, byId: 7, byName: 'Ada', reason: 'Too vague' };
    const list = pagesOf([item(1, { actions: [{ kind: 'approve', goalId: 1 }] })]);
    const after = applyEventToPages(list, { kind: 'resolved', ids: [1], resolvedAt: now, resolution }, {}, now);
    expect(after.pages[0]!.items[0]).toMatchObject({ resolvedAt: now, resolution, actions: [] });
  });

  it('puts a new notification on top of the first page of lists it matches', () => {
    const list = pagesOf([item(5), item(4)], [item(3)]);
    const fresh = item(6);
    const after = applyEventToPages(list, { kind: 'created', notification: fresh }, {}, now);
    expect(after.pages[0]!.items.map((n) => n.id)).toEqual([6, 5, 4]);
    expect(after.pages[1]).toBe(list.pages[1]);
    expect(applyEventToPages(after, { kind: 'created', notification: fresh }, {}, now)).toBe(after);
  });

  it('keeps a new notification out of lists filtered to something else', () => {
    const list = pagesOf([item(1)]);
    const fresh = item(2, { type: 'GOAL_DECLINED' });
    expect(applyEventToPages(list, { kind: 'created', notification: fresh }, { type: 'GOAL_SUBMITTED' }, now)).toBe(list);
    expect(applyEventToPages(list, { kind: 'created', notification: fresh }, { priority: 'LOW' }, now)).toBe(list);
  });

  it('marks read in every page and keeps the items in place', () => {
    const list = pagesOf([item(3), item(2)], [item(1)]);
    const after = applyEventToPages(list, { kind: 'read', ids: [2, 1] }, { unreadOnly: true }, now);
    expect(after.pages.flatMap((page) => page.items.map((n) => [n.id, n.readAt]))).toEqual([
      [3, null],
      [2, now],
      [1, now],
    ]);
  });

  it('does not move an earlier read time', () => {
    const earlier = new Date('2026-11-24T08:00:00Z');
    const list = pagesOf([item(1, { readAt: earlier })]);
    expect(applyEventToPages(list, { kind: 'allRead' }, {}, now).pages[0]!.items[0]!.readAt).toBe(earlier);
  });

  it('drops a deleted notification', () => {
    const list = pagesOf([item(3), item(2)], [item(1)]);
    const after = applyEventToPages(list, { kind: 'deleted', ids: [2] }, {}, now);
    expect(after.pages.map((page) => page.items.map((n) => n.id))).toEqual([[3], [1]]);
  });

  it('drops every notification of a bulk deletion, across pages', () => {
    const list = pagesOf([item(3), item(2)], [item(1)]);
    const after = applyEventToPages(list, { kind: 'deleted', ids: [3, 1] }, {}, now);
    expect(after.pages.map((page) => page.items.map((n) => n.id))).toEqual([[2], []]);
  });
});

describe('matchesFilter', () => {
  it('places a notification by view and counts a resolved request as read', () => {
    const resolved = item(1, { resolvedAt: now });
    expect(matchesFilter(resolved, { read: 'read' })).toBe(true);
    expect(matchesFilter(resolved, { read: 'unread' })).toBe(false);
    expect(matchesFilter(item(2, { archivedAt: now }), {})).toBe(false);
    expect(matchesFilter(item(2, { archivedAt: now }), { view: 'archived' })).toBe(true);
    expect(matchesFilter(item(2, { snoozedUntil: now }), { view: 'snoozed' })).toBe(true);
    expect(matchesFilter(item(2), { view: 'all', q: 'anything' })).toBe(false);
  });

  it('applies type, priority and unread-only together', () => {
    const n = item(1, { type: 'GOAL_ASSIGNED', priority: 'HIGH' });
    expect(matchesFilter(n, {})).toBe(true);
    expect(matchesFilter(n, { type: 'GOAL_ASSIGNED', priority: 'HIGH', unreadOnly: true })).toBe(true);
    expect(matchesFilter({ ...n, readAt: now }, { unreadOnly: true })).toBe(false);
    expect(matchesFilter(n, { priority: 'LOW' })).toBe(false);
  });
});
