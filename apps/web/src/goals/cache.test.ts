import { describe, expect, it } from 'vitest';
import { applyGoalToDetail, applyGoalToPages, belongsTo, type Page } from './cache';
import type { Goal } from './types';

const sam = { id: 2, permissions: [] };
const admin = { id: 1, permissions: ['admin' as const] };

function goal(id: number, change: Partial<Goal> = {}): Goal {
  return {
    id,
    title: `Goal ${id}`,
    description: '',
    type: 'INDIVIDUAL',
    year: 2026,
    quarter: null,
    dueDate: null,
    status: 'PENDING_APPROVAL',
    progress: 0,
    lastReason: null,
    version: 1,
    parentGoalId: null,
    createdAt: new Date('2026-11-25T09:00:00Z'),
    updatedAt: new Date('2026-11-25T09:00:00Z'),
    daysLeft: null,
    owner: { id: 4, name: 'Alice', supervisorId: sam.id },
    creator: { id: 4, name: 'Alice' },
    allowedActions: [],
    ...change,
  };
}

const ids = (pages: Page[]) => pages.map((page) => page.items.map((item) => item.id));

describe('belongsTo: the lists a goal is in, by the server’s rules', () => {
  it('pending approval: my reports’ submissions, and for admins those without a supervisor', () => {
    expect(belongsTo('pendingApproval', {}, goal(1), sam)).toBe(true);
    expect(belongsTo('pendingApproval', {}, goal(1, { status: 'ACTIVE' }), sam)).toBe(false);
    const orphan = goal(1, { owner: { id: 4, name: 'Alice', supervisorId: null } });
    expect(belongsTo('pendingApproval', {}, orphan, sam)).toBe(false);
    expect(belongsTo('pendingApproval', {}, orphan, admin)).toBe(true);
  });

  it('mine, supervisees’ and organisational goals, with their filters', () => {
    expect(belongsTo('mine', {}, goal(1), { id: 4, permissions: [] })).toBe(true);
    expect(belongsTo('mine', { status: 'ACTIVE' }, goal(1), { id: 4, permissions: [] })).toBe(false);
    expect(belongsTo('superviseeGoals', { superviseeId: 4 }, goal(1), sam)).toBe(true);
    expect(belongsTo('superviseeGoals', { superviseeId: 5 }, goal(1), sam)).toBe(false);
    expect(belongsTo('organisational', { year: 2026 }, goal(1, { type: 'YEARLY' }), sam)).toBe(true);
    expect(belongsTo('organisational', {}, goal(1), sam)).toBe(false);
    expect(belongsTo('somethingNew', {}, goal(1), sam)).toBeUndefined();
  });
});

describe('applyGoalToPages', () => {
  const pages: Page[] = [
    { items: [goal(9), goal(7)], nextCursor: 7 },
    { items: [goal(5), goal(3)], nextCursor: 3 },
  ];

  it('replaces the cached copy with a newer one, never with an older one', () => {
    const newer = goal(5, { version: 2, status: 'ACTIVE' });
    expect(applyGoalToPages(pages, newer, true)[1]!.items[0]).toBe(newer);
    const updated = applyGoalToPages(pages, newer, true);
    expect(applyGoalToPages(updated, goal(5), true)).toBe(updated);
  });

  it('removes a goal that left the list, keeping the cursors', () => {
    const left = applyGoalToPages(pages, goal(7, { version: 2 }), false);
    expect(ids(left)).toEqual([[9], [5, 3]]);
    expect(left[0]!.nextCursor).toBe(7);
  });

  it('inserts a goal that joined in id order, unless it is beyond the loaded pages', () => {
    expect(ids(applyGoalToPages(pages, goal(10), true))).toEqual([[10, 9, 7], [5, 3]]);
    expect(ids(applyGoalToPages(pages, goal(6), true))).toEqual([[9, 7], [6, 5, 3]]);
    expect(applyGoalToPages(pages, goal(2), true)).toBe(pages);
    const ended: Page[] = [{ items: [goal(9)], nextCursor: null }];
    expect(ids(applyGoalToPages(ended, goal(2), true))).toEqual([[9, 2]]);
    expect(ids(applyGoalToPages([{ items: [], nextCursor: null }], goal(2), true))).toEqual([[2]]);
  });

  it('leaves lists alone that neither hold nor gain it', () => {
    expect(applyGoalToPages(pages, goal(8), false)).toBe(pages);
  });
});

describe('applyGoalToDetail', () => {
  it('takes a newer goal and keeps the history, which is then read again', () => {
    const detail = { ...goal(5), history: [] };
    const { detail: next, stale } = applyGoalToDetail(detail, goal(5, { version: 2, progress: 40 }));
    expect([next.progress, next.history, stale]).toEqual([40, [], true]);
    expect(applyGoalToDetail(detail, goal(5)).detail).toBe(detail);
    expect(applyGoalToDetail(detail, goal(6, { version: 3 })).detail).toBe(detail);
  });
});
