/**
 * Which notifications get a toast during a burst. Notifications sharing a group key share one
 * toast (its members grow as more arrive: "Carol submitted 25 goals for approval"); at most
 * `max` toasts at once, the most urgent first; the rest are counted by one summary toast. Pure
 * bookkeeping: the caller shows, updates and hides what `offer` and `settle` say.
 */
import type { NotificationPriority } from '@pms/shared';

export const RANK: Record<NotificationPriority, number> = { URGENT: 3, HIGH: 2, NORMAL: 1, LOW: 0 };

export interface Queued {
  id: number;
  priority: NotificationPriority;
  groupKey: string | null;
}

export interface ToastChange {
  /** Toasts to show, or to update because their members changed. */
  show: string[];
  /** Toasts to close: emptied, or making room for more urgent ones (their members move to the summary). */
  hide: string[];
  /** How many notifications the summary toast counts now. */
  more: number;
}

/** The toast a notification belongs to: its group's, else its own. */
export const toastKeyOf = (item: Queued) => (item.groupKey ? `group:${item.groupKey}` : `notification:${item.id}`);

const rankOf = (members: Iterable<Queued>) => Math.max(...[...members].map((member) => RANK[member.priority]));

export class ToastQueue {
  /** Each visible toast's members, by toast key. */
  private readonly visible = new Map<string, Map<number, Queued>>();
  private readonly overflow = new Set<number>();

  constructor(private readonly max: number) {}

  has(id: number): boolean {
    return this.overflow.has(id) || [...this.visible.values()].some((members) => members.has(id));
  }

  /** The notification ids a toast shows, in the order they arrived. */
  membersOf(key: string): number[] {
    return [...(this.visible.get(key)?.keys() ?? [])];
  }

  /** A batch of new notifications (one burst): those of a group already shown join its toast; the most urgent of the rest get toasts. */
  offer(batch: Queued[]): ToastChange {
    const show = new Set<string>();
    const hide = new Set<string>();
    const candidates = new Map<string, Map<number, Queued>>();
    for (const item of batch) {
      if (this.has(item.id)) continue;
      const key = toastKeyOf(item);
      const members = this.visible.get(key) ?? candidates.get(key) ?? new Map<number, Queued>();
      members.set(item.id, item);
      if (this.visible.has(key)) show.add(key);
      else candidates.set(key, members);
    }
    const byUrgency = [...candidates].sort(([, a], [, b]) => rankOf(b.values()) - rankOf(a.values()));
    for (const [key, members] of byUrgency) {
      if (this.visible.size >= this.max) {
        const [leastKey, least] = [...this.visible].reduce((low, next) => (rankOf(next[1].values()) < rankOf(low[1].values()) ? next : low));
        if (rankOf(members.values()) <= rankOf(least.values())) {
          for (const id of members.keys()) this.overflow.add(id);
          continue;
        }
        this.visible.delete(leastKey);
        for (const id of least.keys()) this.overflow.add(id);
        // Shown before this batch (candidates come most urgent first, so never one of them): close it.
        show.delete(leastKey);
        hide.add(leastKey);
      }
      this.visible.set(key, members);
      show.add(key);
    }
    return { show: [...show], hide: [...hide], more: this.overflow.size };
  }

  /** Notifications that are old news (read, resolved, archived, deleted): they leave their toasts and the summary. */
  settle(ids: Iterable<number>): ToastChange {
    const show = new Set<string>();
    const hide = new Set<string>();
    for (const id of ids) {
      this.overflow.delete(id);
      for (const [key, members] of this.visible) {
        if (!members.delete(id)) continue;
        if (members.size > 0) show.add(key);
        else {
          this.visible.delete(key);
          show.delete(key);
          hide.add(key);
        }
      }
    }
    return { show: [...show], hide: [...hide], more: this.overflow.size };
  }

  /** A toast closed (by the person): it no longer takes a place, and its members are let go. */
  closed(key: string): void {
    this.visible.delete(key);
  }

  /** The summary toast was closed or followed: what it counted is let go. */
  clearOverflow(): void {
    this.overflow.clear();
  }
}
