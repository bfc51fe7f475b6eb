import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/trpc';
import { timeAgo } from '../ui/time';

type Dashboard = RouterOutputs['goals']['teamDashboard'];
export type ReportFigures = Dashboard['reports'][number];

function Figure({ name, label, value, detail, alert }: { name: string; label: string; value: ReactNode; detail?: string; alert?: boolean }) {
  return (
    <div data-testid="figure" data-name={name}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" lh={1.2}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={alert ? 'red.7' : undefined} data-testid="figure-value">
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </div>
  );
}

/** One report's goals at a glance (goals.teamDashboard). */
export function ReportFiguresGrid({ figures }: { figures: ReportFigures }) {
  const { active, awaitingYou, awaitingThem, overdue, completedThisQuarter, averageProgress } = figures;
  const oldest = (since: Date | null) => (since ? `oldest ${timeAgo(since)}` : undefined);
  return (
    <SimpleGrid cols={{ base: 2, xs: 3, md: 6 }} spacing="sm" verticalSpacing="xs" mb="sm" data-testid="report-figures">
      <Figure name="active" label="Active" value={active} />
      <Figure name="awaitingYou" label="Awaiting you" value={awaitingYou.count} detail={oldest(awaitingYou.oldestSince)} alert={awaitingYou.count > 0} />
      <Figure name="awaitingThem" label="Awaiting them" value={awaitingThem.count} detail={oldest(awaitingThem.oldestSince)} />
      <Figure name="overdue" label="Overdue" value={overdue} alert={overdue > 0} />
      <Figure name="completed" label="Done this quarter" value={completedThisQuarter} />
      <Figure name="progress" label="Avg. progress" value={averageProgress === null ? '–' : `${averageProgress}%`} detail="of active goals" />
    </SimpleGrid>
  );
}

/** The oldest decisions pending between the supervisor and their reports, each linking to its goal. */
export function PendingDecisions({ pending, total }: { pending: Dashboard['pending']; total: number }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="pending-decisions" mb="lg">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="pending-decisions">
          Oldest pending decisions
        </Title>
        <Badge variant="light" color={total > 0 ? 'yellow' : 'gray'}>
          {total} pending
        </Badge>
      </Group>
      {pending.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing is waiting on you or your team.
        </Text>
      ) : (
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="pending-decisions">
          {pending.map((item) => (
            <li key={item.goalId} data-testid="pending-decision" data-kind={item.kind}>
              <Anchor component={Link} href={`/goals/${item.goalId}`} fw={600} style={{ overflowWrap: 'anywhere' }}>
                {item.title}
              </Anchor>
              <Text size="sm" c="dimmed">
                {item.kind === 'approval'
                  ? `Awaiting your approval · ${item.owner.name} · submitted ${timeAgo(item.since)}`
                  : `Awaiting ${item.owner.name}'s acceptance · assigned ${timeAgo(item.since)}`}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      {total > pending.length && (
        <Text size="xs" c="dimmed" mt="xs">
          The {pending.length} oldest of {total} are shown.
        </Text>
      )}
    </Paper>
  );
}
