import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { publish, type NewNotification } from '../notifications/publish.js';
import { openRequestRecipients, resolveRequests } from '../notifications/requests.js';
import type { NewUserEvent } from '../realtime/events.js';
import type { ApiDeps } from '../trpc.js';
import type { GoalParties } from './access.js';
import { GROUPS, REQUEST_ACTIONS, requestKey, type RequestKind } from './requests.js';
import { ACTIONS, type HistoryAction, type Recipient } from './rules.js';
import type { GoalRow } from './views.js';

export interface GoalChange {
  action: HistoryAction;
  /** The goal after the change. */
  goal: GoalRow;
  actor: { id: number; name: string };
  reason: string | null;
}

function activeAdminIds(trx: Kysely<Database>): Promise<number[]> {
  return trx
    .selectFrom('users')
    .select('id')
    .where('active', '=', true)
    .where(sql<boolean>`${'admin'} = any(permissions)`)
    .execute()
    .then((rows) => rows.map((row) => row.id));
}

/** Who sees a change of the goal live: owner, creator, and the supervisor, or the administrators who stand in for a missing one. */
function audienceOf(goal: GoalParties, admins: number[]): number[] {
  return [goal.ownerId, goal.creatorId, ...(goal.ownerSupervisorId === null ? admins : [goal.ownerSupervisorId])];
}

/**
 * Everyone a decision on these goals may tell: their audiences and whoever holds an open request
 * of theirs. A transaction deciding several goals locks these streams first (lockStreams), so
 * that it takes them in one user-id order rather than goal by goal.
 */
export async function everyoneTold(trx: Kysely<Database>, goals: Array<GoalParties & { id: number }>, requestKinds: readonly RequestKind[]): Promise<number[]> {
  const admins = goals.some((goal) => goal.ownerSupervisorId === null) ? await activeAdminIds(trx) : [];
  const keys = goals.flatMap((goal) => requestKinds.map((kind) => requestKey(goal.id, kind)));
  return [...goals.flatMap((goal) => audienceOf(goal, admins)), ...(await openRequestRecipients(trx, keys))];
}

/**
 * Tells everyone concerned, inside the change's transaction: the notifications its rule names
 * (with the request they open and its actions), the resolution of the requests it decides (on
 * every recipient's notification of them, whoever decided), and a goal event for every user who
 * sees the goal change live (owner, creator, and the supervisor, or the administrators who
 * stand in for a missing one).
 */
export async function announce(trx: Kysely<Database>, deps: Pick<ApiDeps, 'config' | 'jobs'>, change: GoalChange): Promise<void> {
  const { goal, actor, reason } = change;
  const { notify, resolves } = ACTIONS[change.action];
  const admins = goal.ownerSupervisorId === null ? await activeAdminIds(trx) : [];
  const supervisors = goal.ownerSupervisorId === null ? [] : [goal.ownerSupervisorId];
  const recipients: Record<Recipient, number[]> = {
    owner: [goal.ownerId],
    creator: [goal.creatorId],
    supervisor: supervisors,
    approver: goal.ownerSupervisorId === null ? admins.filter((id) => id !== goal.ownerId) : supervisors,
  };

  const context = { actor: actor.name, title: goal.title, reason, progress: goal.progress };
  const notifications = notify
    .filter((rule) => !rule.onlyWhen || rule.onlyWhen === goal.status)
    .flatMap((rule) =>
      recipients[rule.to]
        .filter((recipientId) => recipientId !== actor.id)
        .map(
          (recipientId): NewNotification => ({
            recipientId,
            type: rule.type,
            priority: rule.priority,
            title: rule.title,
            message: rule.message(context),
            data: { goalId: goal.id, actorId: actor.id, action: change.action, status: goal.status, progress: goal.progress, reason },
            link: `/goals/${goal.id}`,
            requestKey: rule.opens && requestKey(goal.id, rule.opens),
            actions: rule.opens ? REQUEST_ACTIONS[rule.opens].map((kind) => ({ kind, goalId: goal.id })) : [],
            groupKey: rule.group && GROUPS[rule.group]({ type: rule.type, goalId: goal.id, actorId: actor.id }),
          }),
        ),
    );

  const audience = new Set(audienceOf(goal, admins));
  const resolutions = resolves
    ? await resolveRequests(
        trx,
        resolves.requests.map((kind) => requestKey(goal.id, kind)),
        { outcome: resolves.outcome, byId: actor.id, byName: actor.name, reason },
        [...audience, ...notifications.map((n) => n.recipientId)],
      )
    : [];

  const events = [...audience].map(
    (userId): NewUserEvent => ({
      userId,
      topic: 'goal',
      kind: 'changed',
      payload: { goalId: goal.id, status: goal.status, version: goal.version, action: change.action },
    }),
  );
  await publish(trx, { notifications, events: [...resolutions, ...events], ttlDays: deps.config.notificationTtlDays, jobs: deps.jobs });
}
