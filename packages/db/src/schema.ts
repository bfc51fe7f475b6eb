import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type { EmailTiming, GoalStatus, GoalType, NotificationAction, NotificationCategory, NotificationPriority, NotificationType, Permission, Resolution } from '@pms/shared';

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
  /** On a decision (approve, reject): when the goal was submitted; set by a trigger (migration 2026_12_07_0006). */
  submitted_at: ColumnType<Date | null, never, never>;
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
  /** Set when another module published it (notifications.publish). */
  publication_id: ColumnType<number | null, number | null | undefined, never>;
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
  /** The name of a registered topic (packages/api/src/topics.ts). */
  topic: string;
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
/** The caller: exactly one of user_id (a person) and api_key_id (a service). */
export interface IdempotencyKeysTable {
  user_id: number | null;
  api_key_id: ColumnType<number | null, number | null | undefined, never>;
  key: string;
  /** The procedure's path, e.g. `goals.create`. */
  procedure: string;
  /** Hash of the request (procedure and input), to refuse the key for a different one. */
  request_hash: string;
  /** The result as superjson serialized it; null only inside the transaction that claimed the key. */
  result: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Timestamp;
}
/** Every type a notification may have, with its category and label (see migration 2026_12_06_0004). */
export interface NotificationTypesTable {
  type: string;
  category: NotificationCategory;
  label: string;
  description: string | null;
  built_in: Generated<boolean>;
  created_at: Timestamp;
}

/** What a notification says, as a publication keeps it until delivered. */
export interface PublicationContent {
  priority: NotificationPriority;
  title: string;
  message: string;
  link: string | null;
  data: Record<string, unknown>;
  groupKey: string | null;
  actions: NotificationAction[];
}

/** What another module published (notifications.publish), to whom, and when it was delivered. */
export interface PublicationsTable {
  id: Generated<number>;
  api_key_id: number | null;
  published_by: number | null;
  type: string;
  content: JSONColumnType<PublicationContent>;
  recipient_ids: number[];
  send_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
}

/** The organisation's settings per notification category (see migration 2026_12_05_0001). */
export interface PreferenceDefaultsTable {
  category: NotificationCategory;
  in_app: boolean;
  email: boolean;
  desktop: boolean;
  email_timing: EmailTiming;
  unread_delay_minutes: number;
  updated_at: Generated<Date>;
}

/** A person's own choices per category; a null field follows the organisation default. */
export interface UserPreferencesTable {
  user_id: number;
  category: NotificationCategory;
  in_app: boolean | null;
  email: boolean | null;
  desktop: boolean | null;
  email_timing: EmailTiming | null;
  unread_delay_minutes: number | null;
  updated_at: Generated<Date>;
}

export interface UserSettingsTable {
  user_id: number;
  /** IANA name; digests go out in its morning, quiet hours are its clock. */
  time_zone: Generated<string>;
  /** Minutes after local midnight; both null when the person has no quiet hours. */
  quiet_start_minute: number | null;
  quiet_end_minute: number | null;
  decisions_digest: Generated<boolean>;
  updated_at: Generated<Date>;
}

/** Every email sent or kept, one per `dedupe_key`: the Sent mail screen and the exactly-once ledger. */
export interface MailMessagesTable {
  id: Generated<number>;
  dedupe_key: string;
  user_id: number | null;
  kind: string;
  category: NotificationCategory | null;
  notification_id: number | null;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  headers: JSONColumnType<Record<string, string>>;
  status: 'sending' | 'sent';
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  transport: 'smtp' | 'stored' | null;
  message_id: string | null;
  created_at: Generated<Date>;
  sent_at: Timestamp | null;
}

/** Digests started per person, kind and period (`daily` / `2026-12-02`). */
export interface DigestRunsTable {
  user_id: number;
  kind: string;
  period: string;
  created_at: Generated<Date>;
}

/** Due-date reminders raised, once per goal, threshold and due date. */
export interface GoalRemindersTable {
  goal_id: number;
  threshold: 'dueSoon' | 'overdue';
  due_date: string;
  created_at: Generated<Date>;
}

/** A service's API key, its secret stored hashed (see migration 2026_12_06_0001). */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  scopes: string[];
  secret_hash: string;
  secret_hint: string;
  created_by: number | null;
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface StreamTicketsTable {
  /** SHA-256 of the ticket, base64url. */
  hash: string;
  user_id: number;
  session_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** Notifications per UTC creation day, scope (0: the organisation; else a supervisor's team) and type (migration 2026_12_07_0004). */
export interface ReportNotificationDaysTable {
  day: ColumnType<string, string, string>;
  scope_id: number;
  type: string;
  sent: number;
  read: number;
  asked: number;
  resolved: number;
  outcomes: JSONColumnType<Record<string, number>>;
}

/** Durations (seconds) as counts per logarithmic bucket: 'read' (to read) and 'resolve' (to resolve a request). */
export interface ReportNotificationDurationsTable {
  day: ColumnType<string, string, string>;
  scope_id: number;
  type: string;
  measure: 'read' | 'resolve';
  bucket: number;
  count: number;
}

/** The same durations summed per week (`week`: its Monday), so long ranges read fewer rows. */
export interface ReportNotificationWeeklyDurationsTable {
  week: ColumnType<string, string, string>;
  scope_id: number;
  type: string;
  measure: 'read' | 'resolve';
  bucket: number;
  count: number;
}

/** Deleted notifications' facts per creation day and recipient: the rollup keeps counting them (migration 2026_12_07_0004). */
export interface ReportNotificationRetiredTable {
  day: ColumnType<string, string, string>;
  recipient_id: number;
  type: string;
  asked: boolean;
  outcome: string | null;
  read_bucket: number | null;
  resolve_bucket: number | null;
  count: number;
}

/** Creation days whose notifications changed since the rollup last computed them (append-only markers). */
export interface ReportDirtyDaysTable {
  id: Generated<string>;
  day: ColumnType<string, string, string>;
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
  preference_defaults: PreferenceDefaultsTable;
  user_preferences: UserPreferencesTable;
  user_settings: UserSettingsTable;
  mail_messages: MailMessagesTable;
  digest_runs: DigestRunsTable;
  goal_reminders: GoalRemindersTable;
  api_keys: ApiKeysTable;
  notification_types: NotificationTypesTable;
  publications: PublicationsTable;
  stream_tickets: StreamTicketsTable;
  report_notification_days: ReportNotificationDaysTable;
  report_notification_durations: ReportNotificationDurationsTable;
  report_notification_weekly_durations: ReportNotificationWeeklyDurationsTable;
  report_notification_retired: ReportNotificationRetiredTable;
  report_dirty_days: ReportDirtyDaysTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Goal = Selectable<GoalsTable>;
export type GoalHistory = Selectable<GoalHistoryTable>;
export type Notification = Selectable<NotificationsTable>;
export type UserEvent = Selectable<UserEventsTable>;
