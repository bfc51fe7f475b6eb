/** The reports on notifications: sent per day, read and how fast, requests resolved and how fast. */
import { BarChart } from '@mantine/charts';
import type { ReportFilter } from '@pms/shared';
import { trpc } from '../api/trpc';
import { OUTCOME_LABEL } from '../notifications/labels';
import { useTypeLabel } from '../notifications/notification-types';
import { formatDay, formatDuration } from '../ui/time';
import { formatRate, perDay, seriesColor } from './chart-data';
import { REPORT_CSV } from './csv';
import { FiguresTable } from './figures';
import { ReportCard } from './report-card';

const CHART_HEIGHT = 260;

export function NotificationsSentCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.notificationsSent.useQuery(filter);
  const typeLabel = useTypeLabel();
  return (
    <ReportCard
      name="notificationsSent"
      title="Notifications sent"
      description="Per day and type"
      filter={filter}
      query={query}
      csv={REPORT_CSV.notificationsSent}
      wide
      isEmpty={(data) => data.rows.length === 0}
    >
      {(data) => {
        const { data: days, types } = perDay(data.rows, filter.from, filter.to);
        return (
          <BarChart
            h={CHART_HEIGHT}
            data={days}
            dataKey="day"
            type="stacked"
            yAxisProps={{ allowDecimals: false, interval: 0 }}
            series={types.map((type, index) => ({ name: type, label: typeLabel(type), color: seriesColor(index) }))}
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            xAxisProps={{ tickFormatter: (day: string) => formatDay(day), minTickGap: 16 }}
            tooltipProps={{ labelFormatter: (day) => formatDay(day) }}
            role="img"
            aria-label="Bar chart: notifications sent per day, stacked by type"
          />
        );
      }}
    </ReportCard>
  );
}

export function NotificationReadsCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.notificationReads.useQuery(filter);
  const typeLabel = useTypeLabel();
  return (
    <ReportCard
      name="notificationReads"
      title="Read rate and time to read"
      description="Of the notifications sent in the range, per type"
      filter={filter}
      query={query}
      csv={REPORT_CSV.notificationReads}
      wide
      isEmpty={(data) => data.rows.length === 0}
    >
      {(data) => (
        <>
          <BarChart
            h={CHART_HEIGHT}
            data={data.rows.map((row) => ({ type: typeLabel(row.type), median: row.medianSeconds ?? 0, p90: row.p90Seconds ?? 0 }))}
            dataKey="type"
            series={[
              { name: 'median', label: 'Median', color: 'indigo.6' },
              { name: 'p90', label: '90th percentile', color: 'orange.6' },
            ]}
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            valueFormatter={formatDuration}
            yAxisProps={{ width: 56, tickFormatter: (seconds: number) => formatDuration(seconds, 1) }}
            role="img"
            aria-label="Bar chart: median and 90th percentile time to read, per type"
          />
          <FiguresTable
            caption="Per type"
            head={['Type', 'Sent', 'Read', 'Read rate', 'Median', '90th pct.']}
            rows={data.rows.map((row) => ({
              key: row.type,
              cells: [typeLabel(row.type), row.sent, row.read, formatRate(row.readRate), formatDuration(row.medianSeconds), formatDuration(row.p90Seconds)],
            }))}
          />
        </>
      )}
    </ReportCard>
  );
}

export function ActionsResolvedCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.actionsResolved.useQuery(filter);
  const typeLabel = useTypeLabel();
  return (
    <ReportCard
      name="actionsResolved"
      title="Requests resolved"
      description="Notifications asking for a decision, by outcome, and how fast they were resolved"
      filter={filter}
      query={query}
      csv={REPORT_CSV.actionsResolved}
      wide
      isEmpty={(data) => data.rows.length === 0}
    >
      {(data) => {
        const outcomes = [...new Set(data.rows.flatMap((row) => Object.keys(row.outcomes)))].sort();
        return (
          <>
            <BarChart
              h={CHART_HEIGHT}
              data={data.rows.map((row) => ({
                type: typeLabel(row.type),
                ...Object.fromEntries(outcomes.map((outcome) => [outcome, row.outcomes[outcome] ?? 0])),
                open: row.asked - row.resolved,
              }))}
              dataKey="type"
              type="stacked"
              yAxisProps={{ allowDecimals: false, interval: 0 }}
              series={[
                ...outcomes.map((outcome, index) => ({ name: outcome, label: OUTCOME_LABEL[outcome as keyof typeof OUTCOME_LABEL] ?? outcome, color: seriesColor(index + 1) })),
                { name: 'open', label: 'Not resolved', color: 'gray.5' },
              ]}
              withLegend
              legendProps={{ verticalAlign: 'bottom' }}
              role="img"
              aria-label="Bar chart: requests per type, stacked by outcome"
            />
            <FiguresTable
              caption="Time to resolve"
              head={['Type', 'Asked', 'Resolved', 'Median', '90th pct.']}
              rows={data.rows.map((row) => ({
                key: row.type,
                cells: [typeLabel(row.type), row.asked, row.resolved, formatDuration(row.medianSeconds), formatDuration(row.p90Seconds)],
              }))}
            />
          </>
        );
      }}
    </ReportCard>
  );
}
