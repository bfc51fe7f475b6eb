/**
 * The topics of the per-user event streams: each capability defines its own (`defineTopic`, in its
 * folder); a new topic is one more entry here, and realtime/ needs no change.
 */
import { goalTopic } from './goals/events.js';
import { notificationTopic } from './notifications/events.js';
import { topicsByName, type Topic } from './realtime/topics.js';

export const TOPICS: readonly Topic[] = [notificationTopic, goalTopic];

/** By name: what publish() loads into the announcements it sends (realtime/carried-events.ts). */
export const TOPICS_BY_NAME = topicsByName(TOPICS);
