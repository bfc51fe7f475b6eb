/** Background jobs that failed for good, newest first, each with Retry (it runs again through its worker). */
import { Badge, Button, Card, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/errors';
import { trpc, type RouterOutputs } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { Empty, LoadError, Loading } from '../ui/states';
import { formatDateTime } from '../ui/time';
import { AdminOnly } from './admin-only';

type Job = RouterOutputs['admin']['failedJobs']['items'][number];

export function FailedJobsPage({ user }: PageProps) {
  return (
    <AdminOnly user={user}>
      <PageHeader title="Failed jobs" description="Background work that failed after its retries" />
      <FailedJobs />
    </AdminOnly>
  );
}

function FailedJobs() {
  const jobs = trpc.admin.failedJobs.useInfiniteQuery({ limit: 25 }, { getNextPageParam: (page) => page.nextCursor });
  const rows = jobs.data?.pages.flatMap((page) => page.items) ?? [];
  if (jobs.error) return <LoadError error={jobs.error} onRetry={() => void jobs.refetch()} />;
  if (!jobs.data) return <Loading label="Loading jobs…" />;
  if (rows.length === 0) return <Empty title="No failed jobs" description="Every background job has succeeded or is still being retried." />;
  return (
    <Stack>
      <JobList rows={rows} />
      {jobs.hasNextPage && (
        <Button variant="default" onClick={() => void jobs.fetchNextPage()} loading={jobs.isFetchingNextPage} w="fit-content">
          Load more
        </Button>
      )}
    </Stack>
  );
}

function RetryButton({ job }: { job: Job }) {
  const utils = trpc.useUtils();
  const retry = trpc.admin.retryJob.useMutation({
    onSuccess: () => {
      notifications.show({ color: 'teal', title: 'Job retried', message: `${job.name} runs again` });
      void utils.admin.failedJobs.invalidate();
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Could not retry', message: errorMessage(error) }),
  });
  return (
    <Button size="compact-sm" variant="light" loading={retry.isPending} onClick={() => retry.mutate({ id: job.id })} data-testid="retry-job">
      Retry
    </Button>
  );
}

const data = (job: Job) => JSON.stringify(job.data);

function JobList({ rows }: { rows: Job[] }) {
  const phone = useMediaQuery('(max-width: 48em)');
  if (phone) {
    return (
      <Stack gap="xs" data-testid="job-list">
        {rows.map((job) => (
          <Card key={job.id} withBorder padding="sm" data-testid="job-row">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
                {job.name}
              </Text>
              <RetryButton job={job} />
            </Group>
            <Text size="sm" c="red.7" style={{ overflowWrap: 'anywhere' }}>
              {job.error ?? 'No error recorded'}
            </Text>
            <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {data(job)}
            </Code>
            <Text size="xs" c="dimmed" mt={4}>
              Created {formatDateTime(job.createdOn)} · failed {job.completedOn ? formatDateTime(job.completedOn) : '—'} · retries {job.retryCount}
            </Text>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <Table data-testid="job-list">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Queue</Table.Th>
          <Table.Th>Error</Table.Th>
          <Table.Th>Data</Table.Th>
          <Table.Th>Retries</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>Failed</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((job) => (
          <Table.Tr key={job.id} data-testid="job-row">
            <Table.Td>{job.name}</Table.Td>
            <Table.Td c="red.7" style={{ overflowWrap: 'anywhere' }}>
              {job.error ?? '—'}
            </Table.Td>
            <Table.Td maw={260}>
              <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {data(job)}
              </Code>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color="gray">
                {job.retryCount}
              </Badge>
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(job.createdOn)}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{job.completedOn ? formatDateTime(job.completedOn) : '—'}</Table.Td>
            <Table.Td>
              <RetryButton job={job} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
