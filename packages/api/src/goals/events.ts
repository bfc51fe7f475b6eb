/** The goal topic of a user's event stream: stored as `{ goalId, status, version, action }`, delivered with the goal as it is now. */
import { sql } from 'kysely';
import type { GoalAction, GoalStatus } from '@pms/shared';
import { defineTopic } from '../realtime/topics.js';
import { canSee } from './access.js';
import type { CreationAction } from './rules.js';
import { selectGoals, toView, type GoalRow, type GoalView } from './views.js';

export interface GoalEvent {
  kind: 'changed';
  /** What happened: 'create', 'approve', 'updateProgress', … */
  action: GoalAction | CreationAction;
  /** The goal's status and version right after this change… */
  status: GoalStatus;
  version: number;
  /** …and the goal as it is now, as the subscriber sees it (a replay may deliver several events of one goal at once). */
  goal: GoalView;
}

/** A goal row through `to_jsonb`: its timestamps come as ISO text. */
type GoalJson = Omit<GoalRow, 'createdAt' | 'updatedAt'> & { createdAt: string | Date; updatedAt: string | Date };

/**
 * The goal topic. The goal is read with each event (selectGoals, the shape of every list), once
 * for all of that user's subscribers; who may see it is decided per subscriber, for the user as
 * they are now: a goal they can no longer see (say, after a change of supervisor) is skipped.
 */
export const goalTopic = defineTopic<GoalEvent, GoalRow>({
  name: 'goal',
  load: {
    select: (event, db) =>
      sql`(select to_jsonb(g) from (${selectGoals(db).where('goals.id', '=', sql<number>`(${event.payload}->>'goalId')::int`)}) as g)`,
    // The parsed JSON is fresh: its dates are revived in place.
    parse: (json) => {
      const row = json as GoalJson;
      row.createdAt = new Date(row.createdAt);
      row.updatedAt = new Date(row.updatedAt);
      return row as GoalRow;
    },
  },
  message(event, viewer): GoalEvent | null {
    const row = event.loaded;
    if (!row || event.kind !== 'changed' || !canSee(viewer, row)) return null;
    const { action, status, version } = event.payload as Pick<GoalEvent, 'action' | 'status' | 'version'>;
    return { kind: 'changed', action, status, version, goal: toView(viewer, row) };
  },
});
