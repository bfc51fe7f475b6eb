import type { ComponentType } from 'react';
import type { SignedInUser } from '../auth/user';
import { GoalsLive } from '../goals/goals-live';
import { NotificationsLive } from '../notifications/notifications-live';

/**
 * The server's topics (packages/api/src/topics.ts) the SPA follows for the whole session. Each
 * entry lives in its capability's folder: it subscribes, and applies its events to the react-query
 * caches they touch (notifications/cache.ts, goals/cache.ts). A new topic is one more entry.
 */
export const LIVE_TOPICS: ReadonlyArray<{ topic: string; Live: ComponentType<{ user: SignedInUser }> }> = [
  { topic: 'notification', Live: NotificationsLive },
  { topic: 'goal', Live: GoalsLive },
];
