/**
 * Deleting with Undo.
 *
 * The design: nothing is sent until Undo can no longer be pressed. A deletion hides its
 * notifications in this tab's lists at once and shows a toast with Undo for UNDO_MS; only then
 * does it call `notifications.deleteMany`, whose `deleted` events remove them on every device.
 * Undo just shows them again: the server never heard of it, so there is nothing to restore and
 * no window in which another device shows a half-deleted state. The alternative, a soft delete
 * with a restore procedure, would keep deleted rows in every list, count and index until a purge,
 * and make every query of the inbox exclude them.
 *
 * The store lives in this module, not in a component, so leaving the page does not lose a
 * pending deletion. When the page itself goes away (closed, reloaded: `pagehide`), pending
 * deletions are sent at once with `fetch(…, { keepalive: true })`, which outlives the page. A
 * deletion the server refuses shows its notifications again, with the server's reason.
 */
import { Button, Group, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useCallback, useSyncExternalStore } from 'react';
import superjson from 'superjson';
import { errorMessage } from '../api/errors';
import { trpc, type RouterInputs } from '../api/trpc';
import { useNotificationCache } from './use-notification-cache';
import type { NotificationItem } from './types';

/** How long Undo is offered. */
export const UNDO_MS = 5_000;

export type DeleteTarget = Exclude<RouterInputs['notifications']['deleteMany'], undefined>;

interface PendingDelete {
  key: number;
  target: DeleteTarget;
  /** For a filter: the list key (see `listKeyOf`) whose rows up to `maxId` it hides. */
  listKey?: string;
  timer: ReturnType<typeof setTimeout>;
}

let pending: readonly PendingDelete[] = [];
let lastKey = 0;
let flushesOnPagehide = false;
const listeners = new Set<() => void>();

function setPending(next: readonly PendingDelete[]) {
  pending = next;
  for (const listener of listeners) listener();
}

function take(key: number): PendingDelete | undefined {
  const entry = pending.find((candidate) => candidate.key === key);
  if (entry) clearTimeout(entry.timer);
  return entry;
}

/** A list's filters as one comparable string. */
export function listKeyOf(filter: object): string {
  return JSON.stringify(Object.entries(filter).sort(([a], [b]) => a.localeCompare(b)));
}

function hides(entry: PendingDelete, item: NotificationItem, listKey: string): boolean {
  const { target } = entry;
  if (target.ids) return target.ids.includes(item.id);
  return entry.listKey === listKey && target.maxId !== undefined && item.id <= target.maxId;
}

/** Whether a row of the list with these filters is waiting to be deleted (and so hidden). */
export function useHiddenByPendingDeletes(filter: object): (item: NotificationItem) => boolean {
  const current = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => pending,
  );
  const listKey = listKeyOf(filter);
  return useCallback((item: NotificationItem) => current.some((entry) => hides(entry, item, listKey)), [current, listKey]);
}

/** The page is going away: send every pending deletion now, with a request that outlives it. */
function flushOnPagehide() {
  for (const entry of pending) {
    clearTimeout(entry.timer);
    void fetch('/trpc/notifications.deleteMany', {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(superjson.serialize(entry.target)),
    });
  }
  pending = [];
}

/**
 * `remove(target, what)`: hides `target` (ids, or a filter up to `maxId` for the list `listFilter`),
 * offers Undo in a toast ("3 notifications deleted"), and deletes on the server UNDO_MS later.
 */
export function useDeleteWithUndo() {
  const utils = trpc.useUtils();
  const cache = useNotificationCache();

  const commit = async (key: number) => {
    const entry = take(key);
    if (!entry) return;
    try {
      await utils.client.notifications.deleteMany.mutate(entry.target);
      // Gone from the cache before it is unhidden, so it never flashes back; the event agrees later.
      if (entry.target.ids) cache.apply({ kind: 'deleted', ids: entry.target.ids });
      else await utils.notifications.list.invalidate();
      void cache.refreshCounts();
    } catch (error) {
      toasts.show({ color: 'red', title: 'Could not delete', message: errorMessage(error) });
    } finally {
      setPending(pending.filter((candidate) => candidate.key !== key));
    }
  };

  const undo = (key: number) => {
    if (take(key)) setPending(pending.filter((candidate) => candidate.key !== key));
    toasts.hide(`undo-delete-${key}`);
  };

  return (target: DeleteTarget, what: string, listFilter?: object) => {
    if (!flushesOnPagehide) window.addEventListener('pagehide', flushOnPagehide);
    flushesOnPagehide = true;
    const key = ++lastKey;
    const timer = setTimeout(() => void commit(key), UNDO_MS);
    setPending([...pending, { key, target, timer, ...(listFilter && { listKey: listKeyOf(listFilter) }) }]);
    toasts.show({
      id: `undo-delete-${key}`,
      autoClose: UNDO_MS,
      message: (
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Text size="sm">{what} deleted</Text>
          <Button size="compact-sm" variant="light" onClick={() => undo(key)}>
            Undo
          </Button>
        </Group>
      ),
    });
  };
}
