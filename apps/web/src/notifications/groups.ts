import type { ResolutionOutcome } from '@pms/shared';
import { OUTCOME_LABEL } from './labels';
import { spelledOut } from './notification-types';
import type { NotificationItem } from './types';

/** A run of notifications sharing a groupKey (newest first), shown as one row that expands. */
export interface NotificationGroup {
  groupKey: string;
  /** Newest first, as listed. */
  members: NotificationItem[];
}

export type ListEntry = { kind: 'item'; item: NotificationItem } | { kind: 'group'; group: NotificationGroup };

/**
 * The list as shown: consecutive notifications (in the list's recency order) sharing a groupKey
 * collapse into one group when there are two or more; the rest stay plain rows. A pure function of
 * the loaded items, so live events only change the items and the grouping follows.
 */
export function groupNotifications(items: readonly NotificationItem[]): ListEntry[] {
  const entries: ListEntry[] = [];
  let run: NotificationItem[] = [];
  const flush = () => {
    if (run.length >= 2) entries.push({ kind: 'group', group: { groupKey: run[0]!.groupKey!, members: run } });
    else if (run.length === 1) entries.push({ kind: 'item', item: run[0]! });
    run = [];
  };
  for (const item of items) {
    if (run.length > 0 && (item.groupKey === null || item.groupKey !== run[0]!.groupKey)) flush();
    run.push(item);
  }
  flush();
  return entries;
}

/** Stable while newer members join at the top (the oldest member stays), so expansion survives live events. */
export const groupId = (group: NotificationGroup) => `${group.groupKey}:${group.members[group.members.length - 1]!.id}`;

/** Waits for someone: not read and not decided (as a row's dot). */
export const isUnread = (item: NotificationItem) => !item.readAt && !item.resolvedAt;

/** Members whose approval request is still open (a resolved request has no actions). */
export const openApprovals = (group: NotificationGroup) =>
  group.members.filter((member) => !member.resolvedAt && member.actions.some((action) => action.kind === 'approve'));

/** The goal a notification's message quotes: `Alice submitted "Ship it" for approval` → `Ship it`. */
export function quotedTitle(message: string): string | null {
  const first = message.indexOf('"');
  const last = message.lastIndexOf('"');
  return first >= 0 && last > first ? message.slice(first + 1, last) : null;
}

/** Who did it: the message's words before the verb (the server writes "<actor> <verb> …"). */
function actorOf(message: string, verbs: string[]): string | null {
  const match = new RegExp(`^(.+?) (?:${verbs.join('|')}) "`).exec(message);
  return match ? match[1]! : null;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Distinct goals the members are about (a goal submitted again after a rejection counts once). */
function goalCount(group: NotificationGroup): number {
  const goals = new Set(group.members.map((member) => member.data.goalId ?? `notification ${member.id}`));
  return goals.size;
}

/**
 * One line for the group, from its type and newest member's message: "Alice Analyst submitted 5 goals
 * for approval", "4 progress updates on "Ship it"". Anything else: "3 notifications: Goal approved".
 */
export function groupSummary(group: NotificationGroup, labelOf: (type: string) => string = spelledOut): string {
  const newest = group.members[0]!;
  const count = group.members.length;
  if (newest.type === 'GOAL_SUBMITTED') {
    const actor = actorOf(newest.message, ['submitted', 'edited']);
    if (actor) return `${actor} submitted ${plural(goalCount(group), 'goal')} for approval`;
  }
  if (newest.type === 'GOAL_ASSIGNED') {
    const actor = actorOf(newest.message, ['assigned you']);
    if (actor) return `${actor} assigned you ${plural(goalCount(group), 'goal')}`;
  }
  if (newest.type === 'GOAL_PROGRESS_UPDATED') {
    const title = quotedTitle(newest.message);
    if (title) return `${plural(count, 'progress update')} on "${title}"`;
  }
  return `${plural(count, 'notification')}: ${labelOf(newest.type)}`;
}

/** How the group's decided requests went, in the order first met: "5 approved", "3 approved, 1 rejected"; null if none is decided. */
export function decidedSummary(group: NotificationGroup): string | null {
  const counts = new Map<ResolutionOutcome, number>();
  for (const member of group.members) {
    if (member.resolution) counts.set(member.resolution.outcome, (counts.get(member.resolution.outcome) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return [...counts].map(([outcome, count]) => `${count} ${OUTCOME_LABEL[outcome].toLowerCase()}`).join(', ');
}
