/**
 * The goals workflow as the model-based test expects it, written out by hand from the product's
 * rules (not imported from packages/api), so a wrong rule in the server shows up as a mismatch:
 * who may take each action from which status, where it leads, and who is told.
 */
import type { GoalStatus, NotificationType } from '@pms/shared';
import type { DemoName } from './goals.js';

/** The demo organisation (packages/db/src/seed.ts): each person's supervisor. */
export const SUPERVISOR: Record<DemoName, DemoName | null> = {
  admin: null,
  sam: 'admin',
  olivia: 'admin',
  alice: 'sam',
  bob: 'sam',
  carol: 'olivia',
  dave: 'olivia',
};

export type Role = 'owner' | 'assignee' | 'supervisor';
export type Action = 'submit' | 'approve' | 'reject' | 'accept' | 'decline' | 'reassign' | 'updateProgress' | 'complete' | 'cancel';

interface Step {
  /** Roles allowed, per status the action may be taken from. */
  by: Partial<Record<GoalStatus, Role[]>>;
  /** Absent: the status stays. */
  to?: GoalStatus;
  /** Who is told (never the actor). */
  tell: Array<[Exclude<Role, 'assignee'> | 'creator', NotificationType]>;
}

export const WORKFLOW: Record<Action, Step> = {
  submit: { by: { REJECTED: ['owner'] }, to: 'PENDING_APPROVAL', tell: [['supervisor', 'GOAL_SUBMITTED']] },
  approve: { by: { PENDING_APPROVAL: ['supervisor'] }, to: 'ACTIVE', tell: [['owner', 'GOAL_APPROVED']] },
  reject: { by: { PENDING_APPROVAL: ['supervisor'] }, to: 'REJECTED', tell: [['owner', 'GOAL_REJECTED']] },
  accept: { by: { PENDING_ACCEPTANCE: ['assignee'] }, to: 'ACTIVE', tell: [['creator', 'GOAL_ACCEPTED']] },
  decline: { by: { PENDING_ACCEPTANCE: ['assignee'] }, to: 'DECLINED', tell: [['creator', 'GOAL_DECLINED']] },
  // A declined goal offered again: the owner is asked to accept it once more.
  reassign: { by: { DECLINED: ['supervisor'] }, to: 'PENDING_ACCEPTANCE', tell: [['owner', 'GOAL_ASSIGNED']] },
  updateProgress: { by: { ACTIVE: ['owner'] }, tell: [['supervisor', 'GOAL_PROGRESS_UPDATED']] },
  complete: { by: { ACTIVE: ['owner'] }, to: 'COMPLETED', tell: [['supervisor', 'GOAL_COMPLETED']] },
  cancel: {
    // Whoever proposed a goal still being agreed withdraws it; the other side answers instead.
    by: { PENDING_APPROVAL: ['owner'], REJECTED: ['owner'], PENDING_ACCEPTANCE: ['supervisor'], DECLINED: ['supervisor'], ACTIVE: ['owner', 'supervisor'] },
    to: 'CANCELLED',
    tell: [
      ['owner', 'GOAL_CANCELLED'],
      ['supervisor', 'GOAL_CANCELLED'],
    ],
  },
};

export interface ModelGoal {
  id: number;
  owner: DemoName;
  creator: DemoName;
  status: GoalStatus;
  history: number;
  /** The latest step: a decision repeated by the same actor with the same reason is a retry. */
  last: { action: string; actor: DemoName; reason: string | null };
}

export type Outcome = 'ok' | 'retry' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'BAD_REQUEST';

function rolesOf(actor: DemoName, goal: ModelGoal): Set<Role | 'creator'> {
  const roles = new Set<Role | 'creator'>();
  if (actor === goal.owner) roles.add('owner');
  if (actor === goal.owner && goal.creator !== goal.owner) roles.add('assignee');
  if (actor === goal.creator) roles.add('creator');
  if (actor === SUPERVISOR[goal.owner]) roles.add('supervisor');
  return roles;
}

/** What the server should answer when `actor` takes `action` (with `reason`, '' meaning blank) on `goal`. */
export function predict(goal: ModelGoal, actor: DemoName, action: Action, reason: string | null): Outcome {
  const step = WORKFLOW[action];
  if ((action === 'reject' || action === 'decline') && !reason) return 'BAD_REQUEST';
  const roles = rolesOf(actor, goal);
  if (roles.size === 0) return 'NOT_FOUND';
  const holds = (allowed: Role[] = []) => allowed.some((role) => roles.has(role));
  if (!Object.values(step.by).some(holds)) return 'FORBIDDEN';
  if (goal.status in step.by) return holds(step.by[goal.status]) ? 'ok' : 'FORBIDDEN';
  const { last } = goal;
  const retried = step.to === goal.status && last.action === action && last.actor === actor && last.reason === reason;
  return retried ? 'retry' : 'CONFLICT';
}

/** [recipient, type] of each notification a change should send. */
export function told(goal: Pick<ModelGoal, 'owner' | 'creator'>, actor: DemoName, tell: Step['tell']): Array<[DemoName, NotificationType]> {
  const people = { owner: goal.owner, creator: goal.creator, supervisor: SUPERVISOR[goal.owner] };
  return tell.flatMap(([to, type]) => {
    const recipient = people[to];
    return recipient && recipient !== actor ? [[recipient, type] as [DemoName, NotificationType]] : [];
  });
}
