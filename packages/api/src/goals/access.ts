/** Who sees a goal and who may act on it, read from the tables in rules.ts. */
import type { GoalAction, GoalStatus, GoalType, Permission } from '@pms/shared';
import { isOrganisational, ROLE_NAMES, TRANSITIONS, type GoalRole, type TransitionRule } from './rules.js';

export interface Viewer {
  id: number;
  permissions: readonly Permission[];
}

export interface GoalParties {
  type: GoalType;
  ownerId: number;
  creatorId: number;
  ownerSupervisorId: number | null;
}

export function rolesOf(viewer: Viewer, goal: GoalParties): Set<GoalRole> {
  const roles = new Set<GoalRole>();
  if (viewer.id === goal.ownerId) {
    roles.add('owner');
    if (goal.creatorId !== goal.ownerId) roles.add('assignee');
  }
  if (viewer.id === goal.creatorId) roles.add('creator');
  if (viewer.id === goal.ownerSupervisorId) roles.add('supervisor');
  if (goal.ownerSupervisorId === null && viewer.id !== goal.ownerId && viewer.permissions.includes('admin')) {
    roles.add('adminWhenNoSupervisor');
  }
  return roles;
}

/** Organisational goals are everyone's; a personal goal only its parties'. */
export function canSee(viewer: Viewer, goal: GoalParties): boolean {
  return isOrganisational(goal.type) || rolesOf(viewer, goal).size > 0;
}

export function mayPerform(rule: TransitionRule, roles: Set<GoalRole>): boolean {
  return rule.by.some((role) => roles.has(role));
}

/** The actions this viewer could take on the goal right now. */
export function allowedActions(viewer: Viewer, goal: GoalParties & { status: GoalStatus }): GoalAction[] {
  const roles = rolesOf(viewer, goal);
  return (Object.keys(TRANSITIONS) as GoalAction[]).filter((action) => {
    const rule: TransitionRule = TRANSITIONS[action];
    return rule.from.includes(goal.status) && mayPerform(rule, roles);
  });
}

/** "Only the owner's supervisor or an administrator (…) may approve this goal". */
export function forbiddenMessage(rule: TransitionRule): string {
  const who = rule.by.map((role) => ROLE_NAMES[role]).join(' or ');
  return `Only ${who} may ${rule.verb} this goal`;
}

