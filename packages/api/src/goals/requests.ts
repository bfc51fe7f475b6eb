/**
 * The requests goal notifications carry and the groups they collapse into: the vocabulary the
 * rules in rules.ts use (`opens`, `group`, `resolves`), interpreted by notify.ts.
 */
import type { NotificationActionKind, BuiltInNotificationType, ResolutionOutcome } from '@pms/shared';

/** A decision a goal waits for; its notifications carry the request's actions until it is decided. */
export type RequestKind = 'approval' | 'acceptance';

/** The actions a request's notification offers (each calls the goal procedure of that name). */
export const REQUEST_ACTIONS: Record<RequestKind, readonly NotificationActionKind[]> = {
  approval: ['approve', 'reject'],
  acceptance: ['accept', 'decline'],
};

/** `goal:42:approval`: one open request per goal and kind, shared by all its recipients. */
export function requestKey(goalId: number, kind: RequestKind): string {
  return `goal:${goalId}:${kind}`;
}

interface Grouped {
  type: BuiltInNotificationType;
  goalId: number;
  actorId: number;
}

/** How notifications collapse into groups in the bell and the list: the group key of each way. */
export const GROUPS = {
  /** "Carol submitted 5 goals": notifications of one type caused by one person. */
  sameTypeFromActor: (n: Grouped) => `${n.type}:actor:${n.actorId}`,
  /** One goal's progress updates. */
  goalProgress: (n: Grouped) => `goal:${n.goalId}:progress`,
} satisfies Record<string, (n: Grouped) => string>;

/** Decides a goal's open requests: every recipient's notification of them shows this outcome. */
export interface Resolves {
  requests: readonly RequestKind[];
  outcome: ResolutionOutcome;
}
