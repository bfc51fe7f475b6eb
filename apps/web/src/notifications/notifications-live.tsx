import { Button, Stack, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { skipToken } from '@tanstack/react-query';
import { quietMinutesLeft } from '@pms/shared';
import { useRef, useState, type MouseEvent } from 'react';
import { useLocation } from 'wouter';
import { trpc, type RouterOutputs } from '../api/trpc';
import { useLiveError } from '../api/use-live-error';
import { showDesktopNotification } from './desktop';
import { PRIORITY_LOOK } from './labels';
import { RequestActions } from './request-actions';
import { DecideAllStatus, useDecideAll } from './group-actions';
import { groupSummary, openApprovals } from './groups';
import { useTypeCategory, useTypeLabel } from './notification-types';
import { RANK, ToastQueue, type ToastChange } from './toast-queue';
import type { NotificationEvent, NotificationItem } from './types';
import { useNotificationCache, useOpenNotification, useSetRead } from './use-notification-cache';

/** Toasts at once (a phone has room for one); the rest of a burst is counted by one summary toast. */
const MAX_TOASTS = { wide: 3, phone: 1 };
/** Notifications arriving this close together are one burst, ordered by urgency before showing. */
const BURST_MS = 150;
const SUMMARY_ID = 'notification-summary';

type Preferences = RouterOutputs['preferences']['mine'];

/**
 * The live notification stream of the signed-in user, for the whole session. tRPC's wsLink
 * resends the last event id when the socket comes back, and a tab taking over the browser's
 * socket resumes from the last id the tabs were relayed (api/shared-streams.ts), so nothing
 * is missed or doubled.
 */
export function NotificationsLive() {
  const utils = trpc.useUtils();
  const onError = useLiveError('Live notifications');
  const cache = useNotificationCache();
  const open = useOpenNotification(useSetRead());
  const [, navigate] = useLocation();
  // Each notification is announced once per tab, whatever happens to the socket.
  const announced = useRef(new Map<number, NotificationItem>());
  const [queue] = useState(() => new ToastQueue(window.matchMedia('(max-width: 575px)').matches ? MAX_TOASTS.phone : MAX_TOASTS.wide));
  const burst = useRef<NotificationItem[]>([]);
  const shown = useRef(new Set<string>());
  const summaryOpen = useRef(false);
  // The person's desktop channel per category (server-side preference), silent in their quiet
  // hours; until it loads, none. A ref: toasts are shown from timers set up by earlier renders.
  const preferences = useRef<Preferences | undefined>(undefined);
  preferences.current = trpc.preferences.mine.useQuery(undefined, { staleTime: 60_000 }).data;
  // The registry's categories and labels, read by the same timers.
  const categoryOf = useTypeCategory();
  const labelOf = useTypeLabel();
  const registry = useRef({ categoryOf, labelOf });
  registry.current = { categoryOf, labelOf };
  const desktopOn = (item: NotificationItem) => {
    const mine = preferences.current;
    if (!mine || quietMinutesLeft(mine.quietHours, mine.timeZone, new Date()) !== null) return false;
    return mine.categories.find((category) => category.category === registry.current.categoryOf(item.type))?.effective.desktop ?? false;
  };

  /** Shows or updates a toast: one notification with its actions, or a group's summary. */
  const showToast = (key: string) => {
    const members = queue.membersOf(key).map((id) => announced.current.get(id)!).reverse(); // newest first, as listed
    const newest = members[0]!;
    const single = members.length === 1;
    const priority = members.reduce((top, member) => (RANK[member.priority] > RANK[top] ? member.priority : top), newest.priority);
    const toast = {
      id: key,
      title: single ? newest.title : groupSummary({ groupKey: newest.groupKey!, members }, registry.current.labelOf),
      message: single ? <ToastBody item={newest} onDone={() => toasts.hide(key)} /> : <GroupToastBody members={members} />,
      color: PRIORITY_LOOK[priority].color,
      // Requests wait for an answer; the rest go by themselves.
      autoClose: priority === 'URGENT' || members.some((member) => member.actions.length > 0) ? (false as const) : 8000,
      onClick: (event: MouseEvent<HTMLDivElement>) => {
        if ((event.target as Element).closest('button, form')) return; // its buttons and the close button do their own thing
        toasts.hide(key);
        if (single) open(newest);
        else navigate('/notifications');
      },
      onClose: () => {
        shown.current.delete(key);
        queue.closed(key);
      },
      style: !single || newest.link ? { cursor: 'pointer' } : undefined,
      'data-testid': single ? 'toast' : 'toast-group',
      'data-notification-id': single ? newest.id : undefined,
      'data-count': members.length,
    };
    if (shown.current.has(key)) toasts.update(toast);
    else {
      toasts.show(toast);
      if (single && desktopOn(newest)) showDesktopNotification(newest, () => open(newest));
    }
    shown.current.add(key);
  };

  const hideToast = (key: string) => {
    shown.current.delete(key);
    toasts.hide(key);
  };

  const updateSummary = (more: number) => {
    if (more === 0) {
      if (summaryOpen.current) toasts.hide(SUMMARY_ID);
      return;
    }
    const summary = {
      id: SUMMARY_ID,
      title: `${more} more notification${more === 1 ? '' : 's'}`,
      message: 'Open the inbox to see them all',
      autoClose: false as const,
      onClick: (event: MouseEvent<HTMLDivElement>) => {
        if ((event.target as Element).closest('button')) return;
        toasts.hide(SUMMARY_ID);
        navigate('/notifications');
      },
      onClose: () => {
        summaryOpen.current = false;
        queue.clearOverflow();
      },
      style: { cursor: 'pointer' },
      'data-testid': 'toast-summary',
    };
    if (summaryOpen.current) toasts.update(summary);
    else toasts.show(summary);
    summaryOpen.current = true;
  };

  const apply = (change: ToastChange) => {
    for (const key of change.hide) hideToast(key);
    for (const key of change.show) showToast(key);
    updateSummary(change.more);
  };

  const flush = () => {
    const batch = burst.current;
    burst.current = [];
    apply(queue.offer(batch));
  };

  const announce = (item: NotificationItem, again = false) => {
    const waiting = !item.readAt && !item.resolvedAt && !item.archivedAt && !item.snoozedUntil;
    if (!waiting || (announced.current.has(item.id) && !again) || queue.has(item.id)) return;
    announced.current.set(item.id, item);
    if (burst.current.length === 0) setTimeout(flush, BURST_MS);
    burst.current.push(item);
  };

  // The stream starts where the first counts left off, so the badge misses nothing between
  // them; after a drop, tRPC's wsLink resumes from the last event it received.
  const startAt = useFirstValue(trpc.notifications.stats.useQuery().data?.lastEventId);
  trpc.notifications.onEvent.useSubscription(startAt === undefined ? skipToken : { lastEventId: startAt }, {
    // Lists loaded before that point may lack an event or two: refetch them (events are idempotent).
    onStarted: () => void utils.notifications.list.invalidate(),
    onData: ({ id, data: event }) => {
      cache.apply(event, id);
      if (event.kind === 'created') announce(event.notification);
      // A snoozed one returning is news again.
      if (event.kind === 'upserted') announce(event.notification, true);
      const settled = settledBy(event, announced.current.keys());
      burst.current = burst.current.filter((item) => !settled.includes(item.id));
      apply(queue.settle(settled));
    },
    onError,
  });
  return null;
}

/** A toast's words, and a request's actions: deciding closes the toast. */
function ToastBody({ item, onDone }: { item: NotificationItem; onDone(): void }) {
  return (
    <Stack gap={6}>
      <Text size="sm" c="dimmed" lineClamp={3}>
        {item.message}
      </Text>
      <RequestActions item={item} onDone={onDone} />
    </Stack>
  );
}

/** A group's toast: approve every open request at once (its members' toast closes as they resolve), or open the inbox. */
function GroupToastBody({ members }: { members: NotificationItem[] }) {
  const open = openApprovals({ groupKey: members[0]!.groupKey!, members });
  const decideAll = useDecideAll();
  return (
    <Stack gap={6}>
      <Text size="sm" c="dimmed">
        Open the inbox to review them
      </Text>
      {open.length > 0 && (
        <Button size="compact-sm" color="teal" w="fit-content" loading={decideAll.outcome?.running} onClick={() => void decideAll.run('approve', open)}>
          {`Approve all ${open.length}`}
        </Button>
      )}
      <DecideAllStatus outcome={decideAll.outcome} />
    </Stack>
  );
}

/** Notifications an event makes old news (read, archived, snoozed, resolved or deleted, here or elsewhere): their toasts go. */
function settledBy(event: NotificationEvent, announced: Iterable<number>): number[] {
  switch (event.kind) {
    case 'read':
      return event.ids;
    case 'deleted':
      return event.ids;
    case 'allRead':
      return [...announced];
    case 'resolved':
      return event.ids;
    case 'state':
      return ('readAt' in event.change && event.change.readAt) || ('archivedAt' in event.change && event.change.archivedAt) || ('snoozedUntil' in event.change && event.change.snoozedUntil)
        ? event.ids
        : [];
    case 'created':
    case 'upserted':
      return [];
  }
}

/** The first defined value seen, kept for the component's life. */
function useFirstValue<T>(value: T | undefined): T | undefined {
  const [first, setFirst] = useState(value);
  if (first === undefined && value !== undefined) setFirst(value);
  return first ?? value;
}
