import { useMutation } from '@tanstack/react-query';
import { trpc } from '../api/trpc';
import { useDeleteWithUndo, type DeleteTarget } from './pending-deletes';
import type { NotificationEvent } from './types';
import { useNotificationCache } from './use-notification-cache';

export type BulkAction = 'read' | 'unread' | 'archive' | 'unarchive' | 'delete';

/** Ids, or a list's filter up to the newest row selected (the server's bulk target). */
export type BulkTarget = DeleteTarget;

/** Ids one call may take (the server's MAX_IDS); more picked by hand go in several calls. */
const IDS_PER_CALL = 500;

export interface BulkRequest {
  action: BulkAction;
  target: BulkTarget;
  /** How many that is, for the Undo toast. */
  count: number;
  /** The list's filters: a deletion by filter hides that list's rows while Undo is offered. */
  listFilter: object;
}

function stateChange(action: Exclude<BulkAction, 'delete'>): Extract<NotificationEvent, { kind: 'state' }>['change'] {
  const now = new Date();
  if (action === 'read' || action === 'unread') return { readAt: action === 'read' ? now : null };
  return { archivedAt: action === 'archive' ? now : null };
}

/**
 * Runs a bulk action. By ids it shows at once (the event the server will send is applied
 * locally first); by filter the lists and counts are read again once the server answers, as
 * only it knows everything that matched. Deleting goes through Undo (pending-deletes.tsx).
 */
export function useBulkAction() {
  const utils = trpc.useUtils();
  const cache = useNotificationCache();
  const remove = useDeleteWithUndo();
  const api = utils.client.notifications;

  const change = (action: Exclude<BulkAction, 'delete'>, target: BulkTarget) =>
    action === 'read' || action === 'unread'
      ? api.setRead.mutate({ ...target, read: action === 'read' })
      : api.setArchived.mutate({ ...target, archived: action === 'archive' });

  return useMutation({
    mutationFn: async ({ action, target, count, listFilter }: BulkRequest) => {
      if (action === 'delete') return remove(target, count === 1 ? '1 notification' : `${count} notifications`, target.ids ? undefined : listFilter);
      if (!target.ids) {
        await change(action, target);
        await Promise.all([utils.notifications.list.invalidate(), utils.notifications.stats.invalidate()]);
        return;
      }
      cache.apply({ kind: 'state', ids: target.ids, change: stateChange(action) });
      try {
        for (let i = 0; i < target.ids.length; i += IDS_PER_CALL) await change(action, { ids: target.ids.slice(i, i + IDS_PER_CALL) });
      } catch (error) {
        await utils.notifications.list.invalidate(); // undo the local guess
        throw error;
      } finally {
        void cache.refreshCounts();
      }
    },
  });
}
