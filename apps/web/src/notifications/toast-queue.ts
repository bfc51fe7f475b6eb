/**
 * Which notifications get a toast of their own during a burst: at most `max` at once, the
 * most urgent first; the rest are counted by one summary toast. Pure bookkeeping: the caller
 * shows and hides what `offer` and `settle` say.
 */
import type { NotificationPriority } from '@pms/shared';

const RANK: Record<NotificationPriority, number> = { URGENT: 3, HIGH: 2, NORMAL: 1, LOW: 0 };

export interface Queued {
  id: number;
  priority: NotificationPriority;
}

export interface ToastChange {
  show: number[];
  /** Toasts to close to make room for more urgent ones (they move to the summary). */
  hide: number[];
  /** How many the summary toast counts now. */
  more: number;
}

export class ToastQueue {
  private readonly visible = new Map<number, Queued>();
  private readonly overflow = new Set<number>();

  constructor(private readonly max: number) {}

  has(id: number): boolean {
    return this.visible.has(id) || this.overflow.has(id);
  }

  /** A batch of new notifications (one burst): the most urgent get the toasts. */
  offer(batch: Queued[]): ToastChange {
    const change: ToastChange = { show: [], hide: [], more: 0 };
    const byUrgency = [...batch].filter((item) => !this.has(item.id)).sort((a, b) => RANK[b.priority] - RANK[a.priority]);
    for (const item of byUrgency) {
      if (this.visible.size < this.max) {
        this.visible.set(item.id, item);
        change.show.push(item.id);
        continue;
      }
      const least = [...this.visible.values()].reduce((low, next) => (RANK[next.priority] < RANK[low.priority] ? next : low));
      if (RANK[item.priority] > RANK[least.priority]) {
        this.visible.delete(least.id);
        this.overflow.add(least.id);
        this.visible.set(item.id, item);
        change.show = change.show.filter((id) => id !== least.id);
        if (!batch.some((queued) => queued.id === least.id)) change.hide.push(least.id);
        change.show.push(item.id);
      } else {
        this.overflow.add(item.id);
      }
    }
    change.more = this.overflow.size;
    return change;
  }

  /** Notifications that are old news (read, resolved, archived, or their toast closed): the count of the rest. */
  settle(ids: Iterable<number>): number {
    for (const id of ids) {
      this.visible.delete(id);
      this.overflow.delete(id);
    }
    return this.overflow.size;
  }

  /** A toast closed (by the person, or to make room): it no longer takes a place. */
  closed(id: number): void {
    this.visible.delete(id);
  }

  /** The summary toast was closed or followed: what it counted is let go. */
  clearOverflow(): void {
    this.overflow.clear();
  }
}
