/**
 * The pages, each in a chunk of its own so that the first screen does not wait for the others.
 * All of them start downloading as soon as the shell runs: moving between pages later never
 * waits for the network, which matters to an app meant to keep working through a lost connection.
 */
import type { SignedInUser } from '../auth/user';
import { lazyNamed } from '../ui/lazy-named';

export interface PageProps {
  user: SignedInUser;
}

export const MyGoalsPage = lazyNamed(import('../goals/my-goals-page'), 'MyGoalsPage');
export const AssignedPage = lazyNamed(import('../goals/assigned-page'), 'AssignedPage');
export const TeamPage = lazyNamed(import('../goals/team-page'), 'TeamPage');
export const ApprovalsPage = lazyNamed(import('../goals/approvals-page'), 'ApprovalsPage');
export const NotificationHistoryPage = lazyNamed(import('../notifications/history-page'), 'NotificationHistoryPage');
export const GoalDetailPage = lazyNamed(import('../goals/goal-detail-page'), 'GoalDetailPage');
