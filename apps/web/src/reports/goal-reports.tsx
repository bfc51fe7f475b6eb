/** The reports on goals: approval turnaround, decisions waiting, responses to assignments, completion. */
import { BarChart, DonutChart, LineChart } from '@mantine/charts';
import { Group } from '@mantine/core';
import type { GoalType, ReportFilter } from '@pms/shared';
import { trpc } from '../api/trpc';
import { GOAL_TYPE_LABEL } from '../goals/goal-labels';
import { formatDay, formatDuration } from '../ui/time';
import { formatRate, pivot, seriesColor } from './chart-data';
import { REPORT_CSV } from './csv';
import { Figures, FiguresTable } from './figures';
import { ReportCard } from './report-card';

const CHART_HEIGHT = 240;
const goalTypeLabel = (type: string) => GOAL_TYPE_LABEL[type as GoalType] ?? type;

export function ApprovalTurnaroundCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.approvalTurnaround.useQuery(filter);
  return (
    <ReportCard
      name="approvalTurnaround"
      title="Approval turnaround"
      description="From submission to approval or rejection, for decisions made in the range"
      filter={filter}
      query={query}
      csv={REPORT_CSV.approvalTurnaround}
      isEmpty={(data) => data.decided === 0}
    >
      {(data) => (
        <>
          <Figures
            items={[
              { label: 'Decided', value: data.decided },
              { label: 'Approved', value: data.approved },
              { label: 'Rejected', value: data.rejected },
              { label: 'Median', value: formatDuration(data.medianSeconds) },
              { label: '90th percentile', value: formatDuration(data.p90Seconds) },
            ]}
          />
          <LineChart
            h={CHART_HEIGHT}
            data={data.weeks.map((week) => ({ week: week.week, median: week.medianSeconds }))}
            dataKey="week"
            series={[{ name: 'median', label: 'Median turnaround', color: 'indigo.6' }]}
            connectNulls
            curveType="monotone"
            valueFormatter={formatDuration}
            yAxisProps={{ width: 56, tickFormatter: (seconds: number) => formatDuration(seconds, 1) }}
            xAxisProps={{ tickFormatter: (week: string) => formatDay(week) }}
            tooltipProps={{ labelFormatter: (week) => (week ? `Week of ${formatDay(week)}` : '') }}
            role="img"
            aria-label="Line chart: median approval turnaround per week"
          />
        </>
      )}
    </ReportCard>
  );
}

export function PendingDecisionsCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.pendingDecisions.useQuery(filter);
  return (
    <ReportCard
      name="pendingDecisions"
      title="Decisions waiting"
      description="Approvals and acceptances waiting now, by how long (the date range does not apply)"
      filter={filter}
      query={query}
      csv={REPORT_CSV.pendingDecisions}
      isEmpty={(data) => data.rows.every((row) => row.approval + row.acceptance === 0)}
      emptyText="Nobody is waiting for a decision."
    >
      {(data) => (
        <>
          <Figures
            items={[
              { label: 'Waiting', value: data.rows.reduce((sum, row) => sum + row.approval + row.acceptance, 0) },
              { label: 'Oldest', value: formatDuration(data.oldestSeconds) },
            ]}
          />
          <BarChart
            h={CHART_HEIGHT}
            data={data.rows}
            dataKey="age"
            type="stacked"
            yAxisProps={{ allowDecimals: false, interval: 0 }}
            series={[
              { name: 'approval', label: 'Awaiting approval', color: 'indigo.6' },
              { name: 'acceptance', label: 'Awaiting acceptance', color: 'teal.6' },
            ]}
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            role="img"
            aria-label="Bar chart: decisions waiting, by age"
          />
        </>
      )}
    </ReportCard>
  );
}

export function GoalResponsesCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.goalResponses.useQuery(filter);
  return (
    <ReportCard
      name="goalResponses"
      title="Responses to assigned goals"
      description="Goals assigned in the range, and how their assignees answered"
      filter={filter}
      query={query}
      csv={REPORT_CSV.goalResponses}
      isEmpty={(data) => data.assigned === 0}
    >
      {(data) => (
        <Group gap="xl" wrap="wrap" align="center">
          <DonutChart
            size={150}
            thickness={24}
            data={[
              { name: 'Accepted', value: data.accepted, color: 'teal.6' },
              { name: 'Declined', value: data.declined, color: 'red.6' },
              { name: 'Open', value: data.open, color: 'gray.5' },
            ]}
            withTooltip
            chartLabel={data.assigned}
            role="img"
            aria-label={`Donut chart: ${data.accepted} accepted, ${data.declined} declined, ${data.open} open`}
          />
          <Figures
            items={[
              { label: 'Assigned', value: data.assigned },
              { label: 'Acceptance rate', value: formatRate(data.acceptanceRate) },
              { label: 'Decline rate', value: formatRate(data.declineRate) },
              { label: 'Open', value: data.open },
            ]}
          />
        </Group>
      )}
    </ReportCard>
  );
}

export function GoalCompletionCard({ filter }: { filter: ReportFilter }) {
  const query = trpc.reports.goalCompletion.useQuery(filter);
  return (
    <ReportCard
      name="goalCompletion"
      title="Goal completion"
      description="Goals due in the range's quarters, per type: the share completed"
      filter={filter}
      query={query}
      csv={REPORT_CSV.goalCompletion}
      isEmpty={(data) => data.rows.length === 0}
    >
      {(data) => {
        const { data: quarters, columns: types } = pivot(data.rows, (row) => row.quarter, (row) => row.type, (row) => Math.round((row.completionRate ?? 0) * 100));
        return (
          <>
            <BarChart
              h={CHART_HEIGHT}
              data={quarters}
              dataKey="key"
              series={types.map((type, index) => ({ name: type, label: goalTypeLabel(type), color: seriesColor(index) }))}
              unit=" %"
              yAxisProps={{ domain: [0, 100] }}
              withLegend
              legendProps={{ verticalAlign: 'bottom' }}
              role="img"
              aria-label="Bar chart: share of goals completed, per quarter and type"
            />
            <FiguresTable
              caption="Per quarter and type"
              textColumns={2}
              head={['Quarter', 'Type', 'Completed']}
              rows={data.rows.map((row) => ({
                key: `${row.quarter}-${row.type}`,
                cells: [row.quarter, goalTypeLabel(row.type), `${row.completed} of ${row.goals} (${formatRate(row.completionRate)})`],
              }))}
            />
          </>
        );
      }}
    </ReportCard>
  );
}
