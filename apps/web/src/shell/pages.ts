/**
 * The pages, each in a chunk of its own so that the first screen does not wait for the others.
 * All of them start downloading as soon as the shell runs: moving between pages later never
 * waits for the network, which matters to an app meant to keep working through a lost connection.
 */
import type { ComponentType } from 'react';
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
export const PreferencesPage = lazyNamed(import('../preferences/preferences-page'), 'PreferencesPage');
export const DefaultsPage = lazyNamed(import('../admin/defaults-page'), 'DefaultsPage');
export const SentMailPage = lazyNamed(import('../admin/sent-mail-page'), 'SentMailPage');
export const FailedJobsPage = lazyNamed(import('../admin/failed-jobs-page'), 'FailedJobsPage');
export const ApiKeysPage = lazyNamed(import('../admin/api-keys-page'), 'ApiKeysPage');
export const SearchPage = lazyNamed(import('../search/search-page'), 'SearchPage');
export const UsersPage = lazyNamed(import('../admin/users-page'), 'UsersPage');
export const OrgChartPage = lazyNamed(import('../admin/org-chart-page'), 'OrgChartPage');
export const ConnectionsPage = lazyNamed(import('../admin/connections-page'), 'ConnectionsPage');
export const ReportsPage = lazyNamed(import('../reports/reports-page'), 'ReportsPage');

/** Reached from the account menu (admin screens: for administrators only, and they say so to others). */
export const MENU_PAGES: Array<{ href: string; label: string; page: ComponentType<PageProps>; adminOnly?: boolean }> = [
  { href: '/settings/notifications', label: 'Notification preferences', page: PreferencesPage },
  { href: '/admin/notifications', label: 'Notification defaults', page: DefaultsPage, adminOnly: true },
  { href: '/admin/mail', label: 'Sent mail', page: SentMailPage, adminOnly: true },
  { href: '/admin/jobs', label: 'Failed jobs', page: FailedJobsPage, adminOnly: true },
  { href: '/admin/api-keys', label: 'API keys', page: ApiKeysPage, adminOnly: true },
  { href: '/admin/users', label: 'Users', page: UsersPage, adminOnly: true },
  { href: '/admin/org', label: 'Org chart', page: OrgChartPage, adminOnly: true },
  { href: '/admin/connections', label: 'Live connections', page: ConnectionsPage, adminOnly: true },
];
