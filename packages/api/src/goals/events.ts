/** The goal topic of a user's event stream: stored as `{ goalId, status, version, action }`, delivered with the goal as it is now. */
import type { DB } from '@pms/db';
import type { GoalAction, GoalStatus } from '@pms/shared';
import type { StoredUserEvent } from '../realtime/subscribe.js';
import { canSee, type Viewer } from './access.js';
import type { CreationAction } from './rules.js';
import { selectGoals, toView, type GoalView } from './views.js';

export interface GoalEvent {
  kind: 'changed';
  /** What happened: 'create', 'approve', 'updateProgress', … */
  action: GoalAction | CreationAction;
  /** The goal's status and version right after this change… */
  status: GoalStatus;
  version: number;
  /** …and the goal as it is now (a replay may deliver several events of one goal at once). */
  goal: GoalView;
}

/**
 * Loads the current goals for a batch of events, checking visibility again: a goal the viewer
 * can no longer see (say, after a change of supervisor) is skipped.
 */
export async function hydrateGoalEvents(db: DB, viewer: Viewer, events: StoredUserEvent[]): Promise<Array<GoalEvent | null>> {
  const ids = [...new Set(events.map((event) => Number(event.payload.goalId)))];
  const rows = ids.length ? await selectGoals(db).where('goals.id', 'in', ids).execute() : [];
  const visible = new Map(rows.filter((row) => canSee(viewer, row)).map((row) => [row.id, toView(viewer, row)]));
  return events.map((event) => {
    const goal = visible.get(Number(event.payload.goalId));
    if (!goal || event.kind !== 'changed') return null;
    const { action, status, version } = event.payload as Pick<GoalEvent, 'action' | 'status' | 'version'>;
    return { kind: 'changed', action, status, version, goal };
  });
}
