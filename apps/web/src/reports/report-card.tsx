import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { ReportFilter, ReportName } from '@pms/shared';
import type { ReactNode } from 'react';
import { Empty, Loading, LoadError } from '../ui/states';
import { csvFileName, toCsv, type CsvTable } from './csv';

/** What a card needs of its report's query (a tRPC useQuery result). */
interface ReportQuery<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  isFetching: boolean;
  refetch(): unknown;
}

interface ReportCardProps<T> {
  name: ReportName;
  title: string;
  description: string;
  filter: ReportFilter;
  query: ReportQuery<T>;
  /** The report's figures as CSV (csv.ts). */
  csv(data: T): CsvTable;
  isEmpty(data: T): boolean;
  /** What the empty state says; by default, that nothing happened in the range. */
  emptyText?: string;
  /** Across the whole grid: room for many days or a wide table. */
  wide?: boolean;
  children(data: T): ReactNode;
}

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  URL.revokeObjectURL(url);
}

/** One report: title, its loading, empty and error states, its chart, and its CSV download. */
export function ReportCard<T>({ name, title, description, filter, query, csv, isEmpty, emptyText, wide, children }: ReportCardProps<T>) {
  const { data } = query;
  const headingId = `report-${name}`;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={headingId} data-testid={`report-${name}`} miw={0} style={wide ? { gridColumn: '1 / -1' } : undefined}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div style={{ minWidth: 0, flex: '1 1 14rem' }}>
            <Title order={3} size="h4" id={headingId}>
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          </div>
          <Button
            size="xs"
            variant="default"
            // Only what the card shows for these filters: never while a new answer is on its way.
            disabled={!data || query.isFetching}
            onClick={() => data && download(csvFileName(name, filter), toCsv(csv(data)))}
            aria-label={`Download CSV: ${title}`}
          >
            Download CSV
          </Button>
        </Group>
        {query.isPending ? (
          <Loading label="Loading…" />
        ) : query.error || !data ? (
          <LoadError error={query.error} onRetry={() => void query.refetch()} title={`Could not load ${title.toLowerCase()}`} />
        ) : isEmpty(data) ? (
          <Empty title="Nothing to report" description={emptyText ?? 'Nothing happened in this range for these people.'} />
        ) : (
          children(data)
        )}
      </Stack>
    </Card>
  );
}
