/**
 * The goals workflow as data: who may do what to a goal, from which status, to which status,
 * and who is told. access.ts, service.ts, create.ts and notify.ts only interpret these tables.
 * Which permission creating each goal type needs is in @pms/shared (CREATE_GOAL_PERMISSION),
 * since the SPA offers the types by the same table.
 */
import {
  ORGANISATIONAL_GOAL_TYPES,
  type GoalAction,
  type GoalStatus,
  type GoalType,
  type NotificationPriority,
  type BuiltInNotificationType,
  type Permission,
} from '@pms/shared';
import type { GROUPS, RequestKind, Resolves } from './requests.js';

/** How a user relates to a goal; one user may hold several roles. */
export type GoalRole =
  | 'owner'
  | 'creator'
  /** The owner's current supervisor. */
  | 'supervisor'
  /** Any administrator, for goals whose owner has no supervisor (they approve those). */
  | 'adminWhenNoSupervisor'
  /** The owner of a goal someone else created for them. */
  | 'assignee';

/** Who is notified: resolved to users by notify.ts. The actor is never told about their own action. */
export type Recipient =
  | 'owner'
  | 'creator'
  | 'supervisor'
  /** The supervisor, or every administrator when the owner has none. */
  | 'approver';

export interface MessageContext {
  actor: string;
  title: string;
  reason: string | null;
  progress: number;
}

export interface NotificationRule {
  type: BuiltInNotificationType;
  to: Recipient;
  priority: NotificationPriority;
  title: string;
  message: (c: MessageContext) => string;
  /** Sent only when the goal ends up in this status. */
  onlyWhen?: GoalStatus;
  /** The request it opens, or announces again (the open one is updated, not doubled). */
  opens?: RequestKind;
  group?: keyof typeof GROUPS;
}

export interface ActionRule {
  /** "approve": for "Only … may approve this goal". */
  verb: string;
  /** "approved": for history and "This goal was already approved by …". */
  past: string;
  notify: readonly NotificationRule[];
  resolves?: Resolves;
}

export interface TransitionRule extends ActionRule {
  /** The statuses it may be taken from, and by whom in each: roles allowed per status. */
  by: Partial<Record<GoalStatus, readonly GoalRole[]>>;
  /** Absent: the status stays as it is. */
  to?: GoalStatus;
  /** A required reason (rejections, declines) is also kept on the goal as its `lastReason`. */
  reason: 'required' | 'optional' | 'none';
}

const submitted: NotificationRule = {
  type: 'GOAL_SUBMITTED',
  to: 'approver',
  priority: 'HIGH',
  title: 'Goal awaiting your approval',
  message: (c) => `${c.actor} submitted "${c.title}" for approval`,
  opens: 'approval',
  group: 'sameTypeFromActor',
};

function cancelled(to: Recipient): NotificationRule {
  return {
    type: 'GOAL_CANCELLED',
    to,
    priority: 'NORMAL',
    title: 'Goal cancelled',
    message: (c) => `${c.actor} cancelled "${c.title}"${c.reason ? `: ${c.reason}` : ''}`,
  };
}

/** Who answers for the owner's side: their supervisor, or an administrator when they have none. */
const APPROVER: readonly GoalRole[] = ['supervisor', 'adminWhenNoSupervisor'];

const assigned: NotificationRule = {
  type: 'GOAL_ASSIGNED',
  to: 'owner',
  priority: 'HIGH',
  title: 'New goal assigned to you',
  message: (c) => `${c.actor} assigned you "${c.title}"`,
  opens: 'acceptance',
  group: 'sameTypeFromActor',
};

/** Ways a goal comes into being. */
export const CREATIONS = {
  /** By its owner: organisational goals start ACTIVE, personal ones usually need approval. */
  create: { verb: 'create', past: 'created', notify: [{ ...submitted, onlyWhen: 'PENDING_APPROVAL' }] },
  /** By a supervisor for a direct report, who then accepts or declines it. */
  assign: { verb: 'assign', past: 'assigned', notify: [assigned] },
} as const satisfies Record<string, ActionRule>;

export type CreationAction = keyof typeof CREATIONS;

/** Every change to an existing goal. */
export const TRANSITIONS = {
  edit: {
    verb: 'edit',
    past: 'edited',
    // A declined goal is reworded by whoever assigned it, before assigning it again (reassign).
    by: { PENDING_APPROVAL: ['creator'], REJECTED: ['creator'], DECLINED: ['creator'] },
    reason: 'none',
    // What awaits approval changed: the approver's open request shows the new text and is unread again.
    notify: [{ ...submitted, message: (c) => `${c.actor} edited "${c.title}", which awaits your approval`, onlyWhen: 'PENDING_APPROVAL' }],
  },
  submit: {
    verb: 'resubmit',
    past: 'resubmitted',
    by: { REJECTED: ['owner'] },
    to: 'PENDING_APPROVAL',
    reason: 'none',
    notify: [submitted],
  },
  approve: {
    verb: 'approve',
    past: 'approved',
    by: { PENDING_APPROVAL: APPROVER },
    to: 'ACTIVE',
    reason: 'none',
    resolves: { requests: ['approval'], outcome: 'APPROVED' },
    notify: [
      { type: 'GOAL_APPROVED', to: 'owner', priority: 'NORMAL', title: 'Goal approved', message: (c) => `${c.actor} approved "${c.title}"` },
    ],
  },
  reject: {
    verb: 'reject',
    past: 'rejected',
    by: { PENDING_APPROVAL: APPROVER },
    to: 'REJECTED',
    reason: 'required',
    resolves: { requests: ['approval'], outcome: 'REJECTED' },
    notify: [
      {
        type: 'GOAL_REJECTED',
        to: 'owner',
        priority: 'HIGH',
        title: 'Goal rejected',
        message: (c) => `${c.actor} rejected "${c.title}": ${c.reason}`,
      },
    ],
  },
  accept: {
    verb: 'accept',
    past: 'accepted',
    by: { PENDING_ACCEPTANCE: ['assignee'] },
    to: 'ACTIVE',
    reason: 'none',
    resolves: { requests: ['acceptance'], outcome: 'ACCEPTED' },
    notify: [
      { type: 'GOAL_ACCEPTED', to: 'creator', priority: 'NORMAL', title: 'Goal accepted', message: (c) => `${c.actor} accepted "${c.title}"` },
    ],
  },
  decline: {
    verb: 'decline',
    past: 'declined',
    by: { PENDING_ACCEPTANCE: ['assignee'] },
    to: 'DECLINED',
    reason: 'required',
    resolves: { requests: ['acceptance'], outcome: 'DECLINED' },
    notify: [
      {
        type: 'GOAL_DECLINED',
        to: 'creator',
        priority: 'HIGH',
        title: 'Goal declined',
        message: (c) => `${c.actor} declined "${c.title}": ${c.reason}`,
      },
    ],
  },
  /**
   * A declined goal offered to its owner again (usually after an edit): the acceptance request
   * opens anew, as when it was first assigned; the decline stays in the history.
   */
  reassign: {
    verb: 'reassign',
    past: 'reassigned',
    by: { DECLINED: APPROVER },
    to: 'PENDING_ACCEPTANCE',
    reason: 'none',
    notify: [{ ...assigned, title: 'Goal assigned to you again', message: (c) => `${c.actor} assigned you "${c.title}" again` }],
  },
  updateProgress: {
    verb: 'update the progress of',
    past: 'updated',
    by: { ACTIVE: ['owner'] },
    reason: 'optional',
    notify: [
      {
        type: 'GOAL_PROGRESS_UPDATED',
        to: 'supervisor',
        priority: 'LOW',
        title: 'Goal progress updated',
        message: (c) => `${c.actor} moved "${c.title}" to ${c.progress}%${c.reason ? `: ${c.reason}` : ''}`,
        group: 'goalProgress',
      },
    ],
  },
  /** Also what `updateProgress` to 100 does. */
  complete: {
    verb: 'complete',
    past: 'completed',
    by: { ACTIVE: ['owner'] },
    to: 'COMPLETED',
    reason: 'optional',
    notify: [
      { type: 'GOAL_COMPLETED', to: 'supervisor', priority: 'NORMAL', title: 'Goal completed', message: (c) => `${c.actor} completed "${c.title}"` },
    ],
  },
  /**
   * Nothing is deleted: a cancelled goal keeps its row and its history. While a goal is being
   * agreed, only the side that proposed it may withdraw it; the other side answers, and saying
   * no takes a reason (reject, decline), which cancelling would skip. So the approver cannot
   * cancel a goal awaiting their approval, nor the assignee one awaiting their acceptance; once
   * a goal is agreed (ACTIVE), either side may cancel it.
   */
  cancel: {
    verb: 'cancel',
    past: 'cancelled',
    by: {
      // The owner proposed it; their approver answers with approve or reject.
      PENDING_APPROVAL: ['owner'],
      REJECTED: ['owner'],
      // The supervisor proposed it; the assignee answers with accept or decline.
      PENDING_ACCEPTANCE: APPROVER,
      DECLINED: APPROVER,
      ACTIVE: ['owner', ...APPROVER],
    },
    to: 'CANCELLED',
    reason: 'optional',
    // Withdrawn while being agreed: whichever request is still open ends with it.
    resolves: { requests: ['approval', 'acceptance'], outcome: 'CANCELLED' },
    // The actor is never told, so this reaches whichever of the two did not cancel.
    notify: [cancelled('owner'), cancelled('supervisor')],
  },
} as const satisfies Record<GoalAction, TransitionRule>;

export type HistoryAction = GoalAction | CreationAction;

export const ACTIONS: Record<HistoryAction, ActionRule> = { ...CREATIONS, ...TRANSITIONS };

export interface GoalOwner {
  id: number;
  supervisorId: number | null;
  permissions: readonly Permission[];
}

/**
 * Where a goal created by its own owner starts. An administrator without a supervisor
 * answers to no one, so their personal goals need no approval.
 */
export function initialStatus(type: GoalType, owner: GoalOwner): GoalStatus {
  if (isOrganisational(type)) return 'ACTIVE';
  const topAdmin = owner.supervisorId === null && owner.permissions.includes('admin');
  return topAdmin ? 'ACTIVE' : 'PENDING_APPROVAL';
}

export function isOrganisational(type: GoalType): boolean {
  return ORGANISATIONAL_GOAL_TYPES.includes(type);
}

/**
 * The goals whose due dates remind (goals/reminders.ts): agreed work in progress. Not a goal still
 * being agreed (pending approval or acceptance, rejected, declined): its date is a proposal, the
 * open request already sits in someone's inbox, and a declined goal is one its owner refused;
 * once approved or accepted its reminders are scheduled, at once if their day has come. Not a
 * completed or cancelled goal: there is nothing left to do.
 */
export const REMINDED_STATUSES: readonly GoalStatus[] = ['ACTIVE'];

/** How each role reads in messages. */
export const ROLE_NAMES: Record<GoalRole, string> = {
  owner: 'its owner',
  creator: 'its creator',
  supervisor: "the owner's supervisor",
  adminWhenNoSupervisor: 'an administrator (for owners without a supervisor)',
  assignee: 'the person it was assigned to',
};

export const STATUS_NAMES: Record<GoalStatus, string> = {
  PENDING_APPROVAL: 'pending approval',
  PENDING_ACCEPTANCE: 'pending acceptance',
  ACTIVE: 'active',
  REJECTED: 'rejected',
  DECLINED: 'declined',
  COMPLETED: 'completed',
  CANCELLED: 'cancelled',
};
