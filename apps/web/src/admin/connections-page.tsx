/**
 * Live connection stats: sockets, people online and subscriptions per server instance, and in
 * total, pushed by the server (admin.onConnectionStats) whenever an instance reports a change
 * (at least every 10 s each). The first figures come from the query, since a tab that joins a
 * subscription another tab of this browser already holds gets only what is pushed after it joined.
 */
import { Alert, Badge, Card, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ConnectionStats } from '@pms/api';
import { trpc } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { LoadError, Loading } from '../ui/states';
import { formatDateTime } from '../ui/time';
import { AdminOnly } from './admin-only';

export function ConnectionsPage({ user }: PageProps) {
  return (
    <AdminOnly user={user}>
      <LiveStats />
    </AdminOnly>
  );
}

function LiveStats() {
  const first = trpc.notifications.connectionStats.useQuery(undefined, { staleTime: Infinity, refetchOnWindowFocus: false });
  const live = trpc.admin.onConnectionStats.useSubscription(undefined);
  // Pushed figures are always the newer ones.
  const stats: ConnectionStats | undefined = live.data ?? (first.data && { ...first.data, live: true });
  return (
    <>
      <PageHeader
        title="Connections"
        description="Open sockets, people online and live subscriptions on each server instance"
        action={stats && <LiveBadge live={stats.live && live.status !== 'error'} />}
      />
      {live.error ? (
        <LoadError error={live.error} title="Live figures stopped" />
      ) : first.error && !stats ? (
        <LoadError error={first.error} onRetry={() => void first.refetch()} />
      ) : !stats ? (
        <Loading label="Loading connection figures…" />
      ) : (
        <Stack>
          {!stats.live && (
            <Alert color="yellow" title="Paused">
              The server cannot reach its database right now. These are the last figures it read; they update again once it is back.
            </Alert>
          )}
          <Totals stats={stats} />
          <Instances stats={stats} />
        </Stack>
      )}
    </>
  );
}

function LiveBadge({ live }: { live: boolean }) {
  return (
    <Badge color={live ? 'teal' : 'yellow'} variant="light" size="lg" data-testid="stats-live" data-live={live}>
      {live ? 'Updating live' : 'Paused'}
    </Badge>
  );
}

function Totals({ stats: { totals } }: { stats: ConnectionStats }) {
  const figures = [
    ['Instances', totals.instances],
    ['Sockets', totals.sockets],
    ['People online', totals.users],
    ['Subscriptions', totals.subscriptions],
  ] as const;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" role="list" aria-label="Totals">
      {figures.map(([label, value]) => (
        <Card key={label} withBorder padding="sm" role="listitem" aria-label={`${label}: ${value}`} data-testid={`total-${label.toLowerCase().replace(' ', '-')}`}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text fz={28} fw={600} lh={1.2}>
            {value}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

const counted = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

const time = (date: Date) => date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function Instances({ stats: { instances } }: { stats: ConnectionStats }) {
  const phone = useMediaQuery('(max-width: 48em)');
  if (phone) {
    return (
      <Stack gap="xs" data-testid="instance-list">
        {instances.map((instance) => (
          <Card key={instance.instanceId} withBorder padding="sm" data-testid="instance-row">
            <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
              {instance.instanceId}
            </Text>
            <Group gap="md" mt={4}>
              <Text size="sm">{counted(instance.sockets, 'socket', 'sockets')}</Text>
              <Text size="sm">{counted(instance.users, 'person', 'people')} online</Text>
              <Text size="sm">{counted(instance.subscriptions, 'subscription', 'subscriptions')}</Text>
            </Group>
            <Text size="xs" c="dimmed" mt={4}>
              Started {formatDateTime(instance.startedAt)} · reported at {time(instance.reportedAt)}
            </Text>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <Table data-testid="instance-list" verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Instance</Table.Th>
          <Table.Th ta="right">Sockets</Table.Th>
          <Table.Th ta="right">People online</Table.Th>
          <Table.Th ta="right">Subscriptions</Table.Th>
          <Table.Th>Started</Table.Th>
          <Table.Th>Reported</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {instances.map((instance) => (
          <Table.Tr key={instance.instanceId} data-testid="instance-row">
            <Table.Td fw={500}>{instance.instanceId}</Table.Td>
            <Table.Td ta="right">{instance.sockets}</Table.Td>
            <Table.Td ta="right">{instance.users}</Table.Td>
            <Table.Td ta="right">{instance.subscriptions}</Table.Td>
            <Table.Td>{formatDateTime(instance.startedAt)}</Table.Td>
            <Table.Td>{time(instance.reportedAt)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
