import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { nextCursor } from '../api/paging';
import { trpc } from '../api/trpc';
import { PageHeader } from '../ui/page-header';
import { Empty, Loading, LoadError } from '../ui/states';
import { AssignGoalDialog } from './assign-goal-dialog';
import { GoalCard } from './goal-card';
import { GoalFilters, isFiltered, type GoalFilter } from './goal-filters';
import { GoalList } from './goal-list';
import type { Supervisee } from './types';

/** undefined: the dialog is closed; null: open, choose whom. */
type AssignTarget = number | null | undefined;

export function TeamPage() {
  const supervisees = trpc.users.supervisees.useQuery();
  const [assignTo, setAssignTo] = useState<AssignTarget>(undefined);
  const people = supervisees.data ?? [];

  return (
    <>
      <PageHeader
        title="Team"
        description="Your direct reports and their goals"
        action={people.length > 0 && <Button onClick={() => setAssignTo(null)}>Assign a goal</Button>}
      />
      {supervisees.isPending ? (
        <Loading label="Loading your team…" />
      ) : supervisees.error ? (
        <LoadError error={supervisees.error} onRetry={() => void supervisees.refetch()} title="Could not load your team" />
      ) : people.length === 0 ? (
        <Empty title="No direct reports" description="People who report to you appear here." />
      ) : (
        <Stack gap="lg">
          {people.map((person) => (
            <SuperviseeGoals key={person.id} person={person} onAssign={() => setAssignTo(person.id)} />
          ))}
        </Stack>
      )}
      <AssignGoalDialog supervisees={people} superviseeId={assignTo ?? null} opened={assignTo !== undefined} onClose={() => setAssignTo(undefined)} />
    </>
  );
}

function SuperviseeGoals({ person, onAssign }: { person: Supervisee; onAssign(): void }) {
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
            {person.name}
          </Title>
          <Text size="sm" c="dimmed">
            {person.email}
          </Text>
        </div>
        <Button variant="light" size="xs" onClick={onAssign} aria-label={`Assign a goal to ${person.name}`}>
          Assign goal
        </Button>
      </Group>
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
