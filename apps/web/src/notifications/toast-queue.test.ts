import { describe, expect, it } from 'vitest';
import { ToastQueue } from './toast-queue';

describe('ToastQueue', () => {
  it('shows at most three toasts of a burst, urgent and high first, and counts the rest', () => {
    const queue = new ToastQueue(3);
    const burst = [
      { id: 1, priority: 'NORMAL' as const },
      { id: 2, priority: 'LOW' as const },
      { id: 3, priority: 'URGENT' as const },
      { id: 4, priority: 'NORMAL' as const },
      { id: 5, priority: 'HIGH' as const },
    ];
    const change = queue.offer(burst);
    expect(change.show).toEqual([3, 5, 1]);
    expect(change.hide).toEqual([]);
    expect(change.more).toBe(2);
  });

  it('lets a later urgent one take the place of a less urgent toast, which moves to the summary', () => {
    const queue = new ToastQueue(3);
    queue.offer([1, 2, 3].map((id) => ({ id, priority: 'NORMAL' as const })));
    const change = queue.offer([{ id: 4, priority: 'URGENT' }]);
    expect(change.show).toEqual([4]);
    expect(change.hide).toHaveLength(1);
    expect(change.more).toBe(1);
    expect(queue.offer([{ id: 5, priority: 'LOW' }]).more).toBe(2);
  });

  it('counts nothing twice and forgets what is settled', () => {
    const queue = new ToastQueue(1);
    queue.offer([{ id: 1, priority: 'NORMAL' }, { id: 2, priority: 'NORMAL' }]);
    expect(queue.offer([{ id: 2, priority: 'NORMAL' }]).more).toBe(1);
    expect(queue.settle([2])).toBe(0);
    expect(queue.settle([1])).toBe(0);
    expect(queue.offer([{ id: 3, priority: 'LOW' }]).show).toEqual([3]);
  });
});
