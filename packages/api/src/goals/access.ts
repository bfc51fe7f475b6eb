/** Who sees a goal and who may act on it, read from the tables in rules.ts. */
import { sql, type RawBuilder } from 'kysely';
import { ORGANISATIONAL_GOAL_TYPES, type GoalAction, type GoalStatus, type GoalType, type Permission } from '@pms/shared';
import { isOrganisational, ROLE_NAMES, STATUS_NAMES, TRANSITIONS, type GoalRole, type TransitionRule } from './rules.js';

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

/**
 * rolesOf in SQL, role by role, over selectGoals' rows (views.ts: `goals` with its `owner`):
 * keyed by GoalRole, so a new role cannot be left out here.
 */
const ROLE_CONDITIONS: Record<GoalRole, (viewer: Viewer) => RawBuilder<boolean>> = {
  owner: (viewer) => sql`goals.owner_id = ${viewer.id}`,
  assignee: (viewer) => sql`(goals.owner_id = ${viewer.id} and goals.creator_id <> goals.owner_id)`,
  creator: (viewer) => sql`goals.creator_id = ${viewer.id}`,
  supervisor: (viewer) => sql`owner.supervisor_id = ${viewer.id}`,
  adminWhenNoSupervisor: (viewer) =>
    viewer.permissions.includes('admin') ? sql`(owner.supervisor_id is null and goals.owner_id <> ${viewer.id})` : sql`false`,
};

/** canSee as a condition, for queries over many goals (search): they must never show what byId would refuse. */
export function visibleTo(viewer: Viewer): RawBuilder<boolean> {
  const roles = Object.values(ROLE_CONDITIONS).map((condition) => condition(viewer));
  return sql<boolean>`(goals.type = any(${sql.val(ORGANISATIONAL_GOAL_TYPES)}::text[]) or ${sql.join(roles, sql` or `)})`;
}

/** The statuses the rule may be taken from, by anyone. */
export function fromStatuses(rule: TransitionRule): GoalStatus[] {
  return Object.keys(rule.by) as GoalStatus[];
}

/** The statuses from which someone holding `roles` may take the rule's action. */
export function statusesFor(rule: TransitionRule, roles: Set<GoalRole>): GoalStatus[] {
  return fromStatuses(rule).filter((status) => rule.by[status]!.some((role) => roles.has(role)));
}

/** The actions this viewer could take on the goal right now. */
export function allowedActions(viewer: Viewer, goal: GoalParties & { status: GoalStatus }): GoalAction[] {
  const roles = rolesOf(viewer, goal);
  return (Object.keys(TRANSITIONS) as GoalAction[]).filter((action) => statusesFor(TRANSITIONS[action], roles).includes(goal.status));
}

const who = (roles: readonly GoalRole[]) => roles.map((role) => ROLE_NAMES[role]).join(' or ');

/**
 * "Only the owner's supervisor or an administrator (…) may approve this goal"; with a status,
 * who may do it from that status: "Only its owner may cancel this goal while it is pending approval".
 */
export function forbiddenMessage(rule: TransitionRule, status?: GoalStatus): string {
  if (status) return `Only ${who(rule.by[status]!)} may ${rule.verb} this goal while it is ${STATUS_NAMES[status]}`;
  const everyone = [...new Set(Object.values(rule.by).flat())];
  return `Only ${who(everyone)} may ${rule.verb} this goal`;
}
