/**
 * A goal event applied to this tab's cached goal queries: the goal comes with the event as the
 * server built it for me, so the lists and the detail holding it take it as it is, lists it now
 * belongs to gain it and lists it left lose it, with no refetch. Only what the cache cannot decide
 * is read again: a detail's history (the event does not carry it).
 */
import { ORGANISATIONAL_GOAL_TYPES, type Permission } from '@pms/shared';
import type { Goal, GoalWithHistory } from './types';

export interface Me {
  id: number;
  permissions: readonly Permission[];
}

export interface Page {
  items: Goal[];
  nextCursor: number | null;
}

/** A list query's input, as in its query key (the infinite query's without its cursor). */
export type ListInput = Partial<Record<'status' | 'type' | 'superviseeId' | 'year', unknown>>;

/**
 * Whether `goal` is in the list `procedure(input)` as I read it: the WHERE of goals/queries.ts
 * on the server, over what the goal view carries. Undefined for a list it does not know, and for
 * figures over many goals (teamDashboard, aligned): those are read again.
 */
export function belongsTo(procedure: string, input: ListInput, goal: Goal, me: Me): boolean | undefined {
  if (input.status !== undefined && goal.status !== input.status) return false;
  if (input.type !== undefined && goal.type !== input.type) return false;
  switch (procedure) {
    case 'mine':
      return goal.owner.id === me.id;
    case 'superviseeGoals':
      return goal.owner.supervisorId === me.id && (input.superviseeId === undefined || goal.owner.id === input.superviseeId);
    case 'pendingApproval':
      return (
        goal.status === 'PENDING_APPROVAL' &&
        (goal.owner.supervisorId === me.id || (me.permissions.includes('admin') && goal.owner.supervisorId === null && goal.owner.id !== me.id))
      );
    case 'organisational':
      return ORGANISATIONAL_GOAL_TYPES.includes(goal.type) && (input.year === undefined || goal.year === input.year);
    default:
      return undefined;
  }
}

/**
 * The pages with `goal` replaced, removed (it left the list) or inserted (it joined), newest id
 * first as the server pages them; the same pages when nothing changes. A copy older than the
 * cached one is ignored. A joining goal beyond the loaded pages is left for "Load more": it is
 * inserted into the first page whose items reach below its id (that page was read from a cursor
 * above it), or at the end once the last page is the list's end.
 */
export function applyGoalToPages(pages: Page[], goal: Goal, belongs: boolean): Page[] {
  const at = pages.findIndex((page) => page.items.some((item) => item.id === goal.id));
  if (at >= 0) {
    const page = pages[at]!;
    const cached = page.items.find((item) => item.id === goal.id)!;
    if (cached.version > goal.version) return pages;
    const items = belongs ? page.items.map((item) => (item.id === goal.id ? goal : item)) : page.items.filter((item) => item.id !== goal.id);
    return pages.map((other, index) => (index === at ? { ...page, items } : other));
  }
  if (!belongs) return pages;
  const into = pages.findIndex((page, index) => page.items.some((item) => item.id < goal.id) || (index === pages.length - 1 && page.nextCursor === null));
  if (into < 0) return pages;
  const page = pages[into]!;
  const before = page.items.findIndex((item) => item.id < goal.id);
  const items = before < 0 ? [...page.items, goal] : [...page.items.slice(0, before), goal, ...page.items.slice(before)];
  return pages.map((other, index) => (index === into ? { ...page, items } : other));
}

/**
 * A detail with the newer goal (its history kept), and whether its history must be read again;
 * unchanged when it is about another goal or already as new.
 */
export function applyGoalToDetail(detail: GoalWithHistory, goal: Goal): { detail: GoalWithHistory; stale: boolean } {
  if (detail.id !== goal.id || detail.version >= goal.version) return { detail, stale: false };
  return { detail: { ...goal, history: detail.history }, stale: true };
}
