import type { Migration } from 'kysely';
import * as initial from './2026_11_25_0001_initial.js';
import * as realtimeInstances from './2026_11_26_0001_realtime_instances.js';
import * as rateLimits from './2026_12_02_0001_rate_limits.js';
import * as idempotencyKeys from './2026_12_02_0002_idempotency_keys.js';
import * as inbox from './2026_12_03_0001_inbox.js';
import * as notificationCounts from './2026_12_04_0001_notification_counts.js';
import * as channels from './2026_12_05_0001_channels.js';
import * as apiKeys from './2026_12_06_0001_api_keys.js';
import * as streamTickets from './2026_12_06_0003_stream_tickets.js';
import * as publishing from './2026_12_06_0004_publishing.js';
import * as goalSearch from './2026_12_07_0003_goal_search.js';
import * as reports from './2026_12_07_0004_reports.js';
import * as reportIndexes from './2026_12_07_0005_report_indexes.js';
import * as decisionSubmittedAt from './2026_12_07_0006_decision_submitted_at.js';

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_initial': initial,
  '2026_11_26_0001_realtime_instances': realtimeInstances,
  '2026_12_02_0001_rate_limits': rateLimits,
  '2026_12_02_0002_idempotency_keys': idempotencyKeys,
  '2026_12_03_0001_inbox': inbox,
  '2026_12_04_0001_notification_counts': notificationCounts,
  '2026_12_05_0001_channels': channels,
  '2026_12_06_0001_api_keys': apiKeys,
  '2026_12_06_0003_stream_tickets': streamTickets,
  '2026_12_06_0004_publishing': publishing,
  '2026_12_07_0003_goal_search': goalSearch,
  '2026_12_07_0004_reports': reports,
  '2026_12_07_0005_report_indexes': reportIndexes,
  '2026_12_07_0006_decision_submitted_at': decisionSubmittedAt,
};
