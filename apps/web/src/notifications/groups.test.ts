import { describe, expect, it } from 'vitest';
import { decidedSummary, groupId, groupNotifications, groupSummary, openApprovals, quotedTitle, type ListEntry, type NotificationGroup } from './groups';
import type { NotificationItem } from './types';

const ALICE = 'GOAL_SUBMITTED:actor:7';

/** Items come newest first, as the list returns them: a higher id is newer here. */
function item(id: number, groupKey: string | null, change: Partial<NotificationItem> = {}): NotificationItem {
  return {
    id,
    type: 'GOAL_SUBMITTED',
    priority: 'HIGH',
    title: 'Goal awaiting your approval',
    message: `Alice Analyst submitted "Goal ${id}" for approval`,
    data: { goalId: id, actorId: 7 },
    link: `/goals/${id}`,
    readAt: null,
    createdAt: new Date(Date.UTC(2026, 11, 1, 9, id)),
    expiresAt: new Date('2026-12-31T09:00:00Z'),
    seenAt: null,
    archivedAt: null,
    snoozedUntil: null,
    resolvedAt: null,
    resolution: null,
    groupKey,
    actions: [
      { kind: 'approve', goalId: id },
      { kind: 'reject', goalId: id },
    ],
    ...change,
  };
}

/** The shape of a grouping: a plain row's id, or the ids of a group's members. */
const shape = (entries: ListEntry[]) => entries.map((entry) => (entry.kind === 'item' ? entry.item.id : entry.group.members.map((member) => member.id)));
const group = (members: NotificationItem[]): NotificationGroup => ({ groupKey: members[0]!.groupKey!, members });

describe('groupNotifications', () => {
  it('collapses consecutive notifications sharing a key, keeping the list order inside and around the group', () => {
    const items = [item(9, null), item(8, ALICE), item(7, ALICE), item(6, ALICE), item(5, null)];
    expect(shape(groupNotifications(items))).toEqual([9, [8, 7, 6], 5]);
  });

  it('leaves a lone notification with a key as a plain row, and no key never groups', () => {
    expect(shape(groupNotifications([item(3, ALICE), item(2, null), item(1, null)]))).toEqual([3, 2, 1]);
    expect(shape(groupNotifications([]))).toEqual([]);
  });

  it('groups only runs: the same key apart makes separate rows or groups', () => {
    const items = [item(6, ALICE), item(5, ALICE), item(4, 'goal:1:progress'), item(3, ALICE), item(2, 'goal:1:progress'), item(1, 'goal:1:progress')];
    expect(shape(groupNotifications(items))).toEqual([[6, 5], 4, 3, [2, 1]]);
  });

  it('keeps mixed keys apart even when adjacent', () => {
    const items = [item(4, ALICE), item(3, 'GOAL_SUBMITTED:actor:8'), item(2, 'goal:1:progress'), item(1, 'goal:2:progress')];
    expect(shape(groupNotifications(items))).toEqual([4, 3, 2, 1]);
  });

  it('keeps resolved members in their group (they still happened), but not among the open approvals', () => {
    const decided = item(4, ALICE, { resolvedAt: new Date(), actions: [], resolution: { outcome: 'APPROVED', byId: 1, byName: 'Sam', reason: null } });
    const entries = groupNotifications([item(5, ALICE), decided, item(3, ALICE)]);
    expect(shape(entries)).toEqual([[5, 4, 3]]);
    const [entry] = entries;
    expect(entry?.kind === 'group' && openApprovals(entry.group).map((member) => member.id)).toEqual([5, 3]);
  });

  it('keeps a group\'s id while newer members arrive on top', () => {
    const before = groupNotifications([item(2, ALICE), item(1, ALICE)])[0]!;
    const after = groupNotifications([item(3, ALICE), item(2, ALICE), item(1, ALICE)])[0]!;
    expect(before.kind === 'group' && after.kind === 'group' && groupId(before.group) === groupId(after.group)).toBe(true);
  });
});

describe('groupSummary', () => {
  it('names the submitter and counts distinct goals (a resubmission counts once)', () => {
    expect(groupSummary(group([5, 4, 3, 2, 1].map((id) => item(id, ALICE))))).toBe('Alice Analyst submitted 5 goals for approval');
    const resubmitted = item(3, ALICE, { data: { goalId: 1 }, message: 'Alice Analyst edited "Goal 1", which awaits your approval' });
    expect(groupSummary(group([resubmitted, item(2, ALICE), item(1, ALICE)]))).toBe('Alice Analyst submitted 2 goals for approval');
  });

  it('counts progress updates on the goal the newest one quotes', () => {
    const progress = (id: number) =>
      item(id, 'goal:1:progress', { type: 'GOAL_PROGRESS_UPDATED', message: `Alice Analyst moved "Ship the "new" app" to ${id * 10}%`, actions: [] });
    expect(groupSummary(group([4, 3, 2, 1].map(progress)))).toBe('4 progress updates on "Ship the "new" app"');
  });

  it('names who assigned, and falls back to the count and type when the message is not the usual one', () => {
    const assigned = (id: number) => item(id, 'GOAL_ASSIGNED:actor:1', { type: 'GOAL_ASSIGNED', message: `Sam Supervisor assigned you "Goal ${id}"` });
    expect(groupSummary(group([assigned(2), assigned(1)]))).toBe('Sam Supervisor assigned you 2 goals');
    expect(groupSummary(group([item(2, ALICE, { message: 'Something else' }), item(1, ALICE)]))).toBe('2 notifications: Goal submitted');
  });

  it('reads the quoted goal title', () => {
    expect(quotedTitle('Alice submitted "Ship it" for approval')).toBe('Ship it');
    expect(quotedTitle('No quotes here')).toBeNull();
  });
});

describe('decidedSummary', () => {
  const decided = (id: number, outcome: 'APPROVED' | 'REJECTED') =>
    item(id, ALICE, { resolvedAt: new Date(), actions: [], resolution: { outcome, byId: 1, byName: 'Sam', reason: null } });

  it('counts the decided members by outcome, and says nothing while none is decided', () => {
    expect(decidedSummary(group([item(2, ALICE), item(1, ALICE)]))).toBeNull();
    expect(decidedSummary(group([decided(4, 'APPROVED'), item(3, ALICE), decided(2, 'REJECTED'), decided(1, 'APPROVED')]))).toBe('2 approved, 1 rejected');
  });
});
