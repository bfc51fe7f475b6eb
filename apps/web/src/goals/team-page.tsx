import { Anchor, Breadcrumbs, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'wouter';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { Empty, Loading, LoadError } from '../ui/states';
import { AssignGoalDialog } from './assign-goal-dialog';
import { GoalCard } from './goal-card';
import { GoalFilters, isFiltered, type GoalFilter } from './goal-filters';
import { GoalList } from './goal-list';
import { PendingDecisions, ReportFiguresGrid, type ReportFigures } from './team-dashboard';
import type { Supervisee } from './types';

/** undefined: the dialog is closed; null: open, choose whom. */
type AssignTarget = number | null | undefined;

/**
 * The supervisor's team: the oldest decisions pending, then each direct report's figures and goals;
 * with `reportId` (/team/:userId), one report only. The figures are read again on every goal
 * event (GoalsLive), so they follow decisions made anywhere.
 */
export function TeamPage({ reportId }: PageProps & { reportId?: number }) {
  const supervisees = trpc.users.supervisees.useQuery();
  const dashboard = trpc.goals.teamDashboard.useQuery();
  const [assignTo, setAssignTo] = useState<AssignTarget>(undefined);
  const people = supervisees.data ?? [];
  const shown = reportId === undefined ? people : people.filter((person) => person.id === reportId);
  const figures = new Map(dashboard.data?.reports.map((report) => [report.id, report]));

  return (
    <>
      {reportId !== undefined && (
        <Breadcrumbs mb="xs" aria-label="Breadcrumb" component="nav">
          <Anchor component={Link} href="/team" size="sm">
            Team
          </Anchor>
          <Text size="sm">{shown[0]?.name ?? 'Report'}</Text>
        </Breadcrumbs>
      )}
      <PageHeader
        title={reportId === undefined ? 'Team' : (shown[0]?.name ?? 'Team')}
        description={reportId === undefined ? 'Your direct reports and their goals' : 'Their goals, at a glance and in full'}
        action={people.length > 0 && <Button onClick={() => setAssignTo(reportId ?? null)}>Assign a goal</Button>}
      />
      {supervisees.isPending ? (
        <Loading label="Loading your team…" />
      ) : supervisees.error ? (
        <LoadError error={supervisees.error} onRetry={() => void supervisees.refetch()} title="Could not load your team" />
      ) : shown.length === 0 ? (
        reportId === undefined ? (
          <Empty title="No direct reports" description="People who report to you appear here." />
        ) : (
          <Empty title="Not in your team" description="This person does not report to you." action={<Anchor component={Link} href="/team">Back to your team</Anchor>} />
        )
      ) : (
        <>
          {dashboard.error && <LoadError error={dashboard.error} onRetry={() => void dashboard.refetch()} title="Could not load the team's figures" />}
          {reportId === undefined && dashboard.data && <PendingDecisions pending={dashboard.data.pending} total={dashboard.data.pendingTotal} />}
          <Stack gap="lg">
            {shown.map((person) => (
              <SuperviseeGoals key={person.id} person={person} figures={figures.get(person.id)} single={reportId !== undefined} onAssign={() => setAssignTo(person.id)} />
            ))}
          </Stack>
        </>
      )}
      <AssignGoalDialog supervisees={people} superviseeId={assignTo ?? null} opened={assignTo !== undefined} onClose={() => setAssignTo(undefined)} />
    </>
  );
}

interface SuperviseeGoalsProps {
  person: Supervisee;
  figures?: ReportFigures;
  /** Alone on its own page (/team/:userId), rather than one of the team. */
  single: boolean;
  onAssign(): void;
}

function SuperviseeGoals({ person, figures, single, onAssign }: SuperviseeGoalsProps) {
  const [filter, setFilter] = useState<GoalFilter>({});
  const goals = trpc.goals.superviseeGoals.useInfiniteQuery(
    { superviseeId: person.id, limit: 10, ...filter },
    { getNextPageParam: nextCursor },
  );
  const filtered = isFiltered(filter);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`supervisee-${person.id}`} data-testid="supervisee" data-user-id={person.id}>
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={3} size="h4" id={`supervisee-${person.id}`}>
            {single ? person.name : (
              <Anchor component={Link} href={`/team/${person.id}`} inherit>
                {person.name}
              </Anchor>
            )}
          </Title>
          <Text size="sm" c="dimmed">
            {person.email}
          </Text>
        </div>
        <Button variant="light" size="xs" onClick={onAssign} aria-label={`Assign a goal to ${person.name}`}>
          Assign goal
        </Button>
      </Group>
      {figures && <ReportFiguresGrid figures={figures} />}
      {/* Filters help once there is something to filter. */}
      {(filtered || Boolean(goals.data?.pages[0]?.items.length)) && <GoalFilters value={filter} onChange={setFilter} />}
      <GoalList
        query={goals}
        empty={{ title: `${person.name} has no goals${filtered ? ' matching these filters' : ' yet'}` }}
        renderGoal={(goal) => <GoalCard key={goal.id} goal={goal} />}
      />
    </Paper>
  );
}
