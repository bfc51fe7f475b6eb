import { describe, expect, it } from 'vitest';
import type { NotificationPriority } from '@pms/shared';
import { ToastQueue } from './toast-queue';

const one = (id: number, priority: NotificationPriority, groupKey: string | null = null) => ({ id, priority, groupKey });

describe('ToastQueue', () => {
  it('shows at most three toasts of a burst, urgent and high first, and counts the rest', () => {
    const queue = new ToastQueue(3);
    const change = queue.offer([one(1, 'NORMAL'), one(2, 'LOW'), one(3, 'URGENT'), one(4, 'NORMAL'), one(5, 'HIGH')]);
    expect(change.show).toEqual(['notification:3', 'notification:5', 'notification:1']);
    expect(change.hide).toEqual([]);
    expect(change.more).toBe(2);
  });

  it('lets a later urgent one take the place of a less urgent toast, which moves to the summary', () => {
    const queue = new ToastQueue(3);
    queue.offer([1, 2, 3].map((id) => one(id, 'NORMAL')));
    const change = queue.offer([one(4, 'URGENT')]);
    expect(change.show).toEqual(['notification:4']);
    expect(change.hide).toHaveLength(1);
    expect(change.more).toBe(1);
    expect(queue.offer([one(5, 'LOW')]).more).toBe(2);
  });

  it('counts nothing twice and forgets what is settled', () => {
    const queue = new ToastQueue(1);
    queue.offer([one(1, 'NORMAL'), one(2, 'NORMAL')]);
    expect(queue.offer([one(2, 'NORMAL')]).more).toBe(1);
    expect(queue.settle([2]).more).toBe(0);
    expect(queue.settle([1])).toEqual({ show: [], hide: ['notification:1'], more: 0 });
    expect(queue.offer([one(3, 'LOW')]).show).toEqual(['notification:3']);
  });

  it('gives a group one toast, which later members of the group join across bursts', () => {
    const queue = new ToastQueue(3);
    const first = queue.offer([one(1, 'HIGH', 'carol'), one(2, 'HIGH', 'carol'), one(3, 'LOW')]);
    expect(first).toEqual({ show: ['group:carol', 'notification:3'], hide: [], more: 0 });
    const burst = Array.from({ length: 23 }, (_, i) => one(10 + i, 'HIGH', 'carol'));
    expect(queue.offer(burst)).toEqual({ show: ['group:carol'], hide: [], more: 0 });
    expect(queue.membersOf('group:carol')).toHaveLength(25);
    // Its members decided one by one: the toast shrinks, and closes with the last.
    expect(queue.settle([1, 2])).toEqual({ show: ['group:carol'], hide: [], more: 0 });
    expect(queue.settle(burst.map((item) => item.id))).toEqual({ show: [], hide: ['group:carol'], more: 0 });
  });

  it('ranks a group by its most urgent member, and moves a displaced group whole to the summary', () => {
    const queue = new ToastQueue(2);
    queue.offer([one(1, 'LOW', 'digest'), one(2, 'LOW', 'digest'), one(3, 'NORMAL')]);
    const change = queue.offer([one(4, 'NORMAL', 'alice'), one(5, 'URGENT', 'alice')]);
    expect(change).toEqual({ show: ['group:alice'], hide: ['group:digest'], more: 2 });
    // Within one burst, the group's urgency counts as much as a single one's.
    const fresh = new ToastQueue(1);
    expect(fresh.offer([one(6, 'LOW'), one(7, 'HIGH', 'bob'), one(8, 'HIGH', 'bob')])).toEqual({ show: ['group:bob'], hide: [], more: 1 });
  });
});
