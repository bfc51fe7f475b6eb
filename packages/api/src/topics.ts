/**
 * The topics of the per-user event streams: each capability defines its own (`defineTopic`, in its
 * folder); a new topic is one more entry here, and realtime/ needs no change.
 */
import { goalTopic } from './goals/events.js';
import { notificationTopic } from './notifications/events.js';
import type { Topic } from './realtime/topics.js';

export const TOPICS: readonly Topic[] = [notificationTopic, goalTopic];
