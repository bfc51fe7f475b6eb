import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root.js';

export { appRouter, type AppRouter } from './root.js';
export type { ApiDeps, ApiConfig, Context, Session, SessionUser, Transport } from './trpc.js';
export { SessionTokens } from './auth/tokens.js';
export { databaseFault } from './lib/database-faults.js';
export { RetryLater } from './lib/retry-later.js';
export { hashPassword } from './auth/password.js';
export { LoginThrottle, type LoginThrottlePolicy, type ThrottleLimit } from './auth/throttle.js';
export { resolveSession, tokenFromHeaders, SESSION_COOKIE } from './auth/sessions.js';
export { openSession } from './auth/sessions.js';
export { Realtime } from './realtime/realtime.js';
export { LISTENER_APPLICATION_NAME, PgListener } from './realtime/listener.js';
export { CHANNELS } from './realtime/channels.js';
export { POLICY_VIOLATION } from './realtime/connections.js';
export { streamUserEvents, type StoredUserEvent, type StreamUserEventsOptions } from './realtime/subscribe.js';
export { publish, type NewNotification } from './notifications/publish.js';
export { RetentionJob, type RetentionOptions, type SweepReport } from './notifications/retention.js';
export { createLogger, type Logger } from './ops/logger.js';
export { ApiMetrics, type LoginRefusal } from './ops/metrics.js';
export type { NotificationEvent } from './notifications/events.js';
export type { NotificationView } from './notifications/view.js';
export type { GoalEvent } from './goals/events.js';
export type { GoalView } from './goals/views.js';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
