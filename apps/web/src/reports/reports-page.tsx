/**
 * Reports for administrators (the organisation or any team) and supervisors (their own team):
 * filters in the URL (filters.ts), one card per report with its chart and CSV download.
 */
// With the page rather than in main.tsx: only this page draws charts.
import '@mantine/charts/styles.css';
import { SimpleGrid } from '@mantine/core';
import { useLocation, useSearch } from 'wouter';
import { trpc } from '../api/trpc';
import { useSupervises } from '../auth/use-supervises';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { Empty, Loading, LoadError } from '../ui/states';
import { DEFAULT_RANGE, filterOf, formatView, parseView, presetDays, type ReportsView } from './filters';
import { ApprovalTurnaroundCard, GoalCompletionCard, GoalResponsesCard, PendingDecisionsCard } from './goal-reports';
import { ActionsResolvedCard, NotificationReadsCard, NotificationsSentCard } from './notification-reports';
import { ReportFilters } from './report-filters';

const CARDS = [NotificationsSentCard, NotificationReadsCard, ActionsResolvedCard, ApprovalTurnaroundCard, PendingDecisionsCard, GoalResponsesCard, GoalCompletionCard];

export function ReportsPage({ user }: PageProps) {
  const supervises = useSupervises(user);
  return (
    <>
      <PageHeader title="Reports" description="How notifications and goals are moving" />
      {supervises === undefined ? (
        <Loading label="Loading…" />
      ) : supervises ? (
        <Reports />
      ) : (
        <Empty title="Reports are for supervisors and administrators" description="They cover the people who report to you, and you have none." />
      )}
    </>
  );
}

/** The filters live in the URL: changing one replaces the entry (a reload or Back keeps them). */
function useViewInUrl(): [ReportsView, (change: Partial<ReportsView>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const view = parseView(search);
  const setView = (change: Partial<ReportsView>) => {
    const query = formatView({ ...view, ...change });
    navigate(query ? `${location}?${query}` : location, { replace: true });
  };
  return [view, setView];
}

function Reports() {
  const [view, setView] = useViewInUrl();
  const teams = trpc.reports.teams.useQuery(undefined, { staleTime: 5 * 60_000 });
  const today = new Date();
  const chosen = filterOf(view, today);
  // A custom range being corrected: its inputs show what was typed, over the default's days.
  const days = 'filter' in chosen ? chosen.filter : presetDays(DEFAULT_RANGE, today);

  if (teams.isPending) return <Loading label="Loading your teams…" />;
  if (teams.error) return <LoadError error={teams.error} onRetry={() => void teams.refetch()} title="Could not load the teams" />;
  return (
    <>
      <ReportFilters view={view} days={days} teams={teams.data} rangeError={'error' in chosen ? chosen.error : undefined} onChange={setView} />
      {'filter' in chosen && (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          {CARDS.map((Card, index) => (
            <Card key={index} filter={chosen.filter} />
          ))}
        </SimpleGrid>
      )}
    </>
  );
}
