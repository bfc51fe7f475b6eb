import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type { GoalStatus, GoalType, NotificationAction, NotificationPriority, NotificationType, Permission, Resolution } from '@pms/shared';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;


export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  supervisor_id: number | null;
  permissions: ColumnType<Permission[], Permission[] | undefined, Permission[]>;
  active: Generated<boolean>;
  /** Head of this user's event stream; bumping it row-locks the stream (see realtime/events.ts). */
  last_event_seq: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface GoalsTable {
  id: Generated<number>;
  title: string;
  description: string;
  type: GoalType;
  year: number;
  quarter: number | null;
  due_date: string | null;
  owner_id: number;
  creator_id: number;
  parent_goal_id: number | null;
  progress: Generated<number>;
  status: GoalStatus;
  last_reason: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GoalHistoryTable {
  id: Generated<number>;
  goal_id: number;
  actor_id: number;
  action: string;
  from_status: GoalStatus | null;
  to_status: GoalStatus;
  reason: string | null;
  progress: number | null;
  created_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<number>;
  recipient_id: number;
  type: NotificationType;
  priority: NotificationPriority;
  title: string;
  message: string;
  data: JSONColumnType<Record<string, unknown>>;
  link: string | null;
  read_at: Timestamp | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  seen_at: Timestamp | null;
  archived_at: Timestamp | null;
  /** Set while snoozed; the wake-up job clears it. */
  snoozed_until: Timestamp | null;
  resolved_at: Timestamp | null;
  resolution: ColumnType<Resolution | null, string | null | undefined, string | null>;
  /** The decision it asks for (e.g. `goal:42:approval`): at most one open per recipient. */
  request_key: string | null;
  group_key: string | null;
  actions: ColumnType<NotificationAction[], string | undefined, string>;
}

/**
 * A person's counts per type and priority: the sum of their rows for that key (kept by triggers
 * on `notifications`, see migration 2026_12_04_0001); expired rows not deleted yet are included.
 */
export interface NotificationCountsTable {
  recipient_id: number;
  type: NotificationType;
  priority: NotificationPriority;
  /** In the inbox: all, unread, unseen. */
  total: number;
  unread: number;
  unseen: number;
  archived: number;
  snoozed: number;
  /** A delta not folded into its key's row yet. */
  pending: Generated<boolean>;
}

/** One append-only, per-user stream; `seq` commits in order for each user. */
export interface UserEventsTable {
  user_id: number;
  seq: number;
  topic: 'notification' | 'goal';
  kind: string;
  payload: JSONColumnType<Record<string, unknown>>;
  created_at: Timestamp;
}

/** One row per running server instance: its connection figures, refreshed while it lives. */
export interface RealtimeInstancesTable {
  instance_id: string;
  started_at: Timestamp;
  reported_at: Timestamp;
  sockets: number;
  users: number;
  subscriptions: number;
  user_ids: ColumnType<number[], number[] | undefined, number[]>;
}

/** Login throttling counters, written by rate-limiter-flexible (see packages/api/src/auth/throttle.ts). */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** Epoch milliseconds. */
  expire: number | null;
}

/** The first result of an idempotent mutation, kept under its client's key (see @pms/api idempotency/). */
export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  /** The procedure's path, e.g. `goals.create`. */
  procedure: string;
  /** Hash of the request (procedure and input), to refuse the key for a different one. */
  request_hash: string;
  /** The result as superjson serialized it; null only inside the transaction that claimed the key. */
  result: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  goals: GoalsTable;
  goal_history: GoalHistoryTable;
  notifications: NotificationsTable;
  notification_counts: NotificationCountsTable;
  user_events: UserEventsTable;
  realtime_instances: RealtimeInstancesTable;
  rate_limits: RateLimitsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Goal = Selectable<GoalsTable>;
export type GoalHistory = Selectable<GoalHistoryTable>;
export type Notification = Selectable<NotificationsTable>;
export type UserEvent = Selectable<UserEventsTable>;
