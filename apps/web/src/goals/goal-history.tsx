import { Text, Timeline } from '@mantine/core';
import type { GoalAction } from '@pms/shared';
import { formatDateTime } from '../ui/time';
import { STATUS_LOOK } from './goal-labels';
import type { GoalHistoryEntry } from './types';

/** How the timeline words each action: every one the API records, so a new action needs its wording here. */
const DID: Record<string, string> = {
  create: 'created the goal',
  assign: 'assigned the goal',
  edit: 'edited the goal',
  submit: 'resubmitted the goal',
  approve: 'approved the goal',
  reject: 'rejected the goal',
  accept: 'accepted the goal',
  decline: 'declined the goal',
  reassign: 'assigned the goal again',
  updateProgress: 'updated the progress',
  complete: 'completed the goal',
  cancel: 'cancelled the goal',
} satisfies Record<GoalAction | 'create' | 'assign', string>;

/** The goal's history, oldest first. */
export function GoalHistory({ entries }: { entries: GoalHistoryEntry[] }) {
  if (entries.length === 0) return <Text c="dimmed">No history yet.</Text>;
  return (
    <Timeline active={entries.length - 1} bulletSize={16} lineWidth={2} data-testid="goal-history">
      {entries.map((entry) => (
        <Timeline.Item key={entry.id} title={`${entry.actorName} ${DID[entry.action] ?? entry.action}`} data-testid="history-entry">
          {entry.fromStatus !== entry.toStatus && (
            <Text size="sm">
              {entry.fromStatus ? `${STATUS_LOOK[entry.fromStatus].label} → ` : ''}
              {STATUS_LOOK[entry.toStatus].label}
            </Text>
          )}
          {entry.progress !== null && <Text size="sm">Progress {entry.progress}%</Text>}
          {entry.reason && (
            <Text size="sm" fs="italic">
              “{entry.reason}”
            </Text>
          )}
          <Text size="xs" c="dimmed" mt={2}>
            <time dateTime={entry.createdAt.toISOString()}>{formatDateTime(entry.createdAt)}</time>
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
