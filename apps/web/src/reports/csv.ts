/**
 * Each report as CSV: one pure function per report turning its output into a header and rows
 * (exactly the figures the card shows), and RFC 4180 text (quoted where needed, CRLF lines).
 * Durations come twice: whole seconds for spreadsheets, and readable ("4 h 12 min").
 */
import type { ReportName, ReportOutput } from '@pms/shared';
import { formatDuration } from '../ui/time';

type Cell = string | number | null;
export interface CsvTable {
  header: string[];
  rows: Cell[][];
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; lines end in CRLF. */
export function toCsv({ header, rows }: CsvTable): string {
  const field = (cell: Cell) => {
    const text = cell === null ? '' : String(cell);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** A duration's two columns: seconds, then readable ("" when nothing was measured). */
const duration = (seconds: number | null): Cell[] => [seconds, seconds === null ? '' : formatDuration(seconds)];
const durationHeader = (name: string) => [`${name}_seconds`, name];
/** A rate (0..1) as a fraction with four decimals; empty when there was nothing to count. */
const rate = (value: number | null): Cell => (value === null ? null : Number(value.toFixed(4)));

export const REPORT_CSV: { [N in ReportName]: (output: ReportOutput<N>) => CsvTable } = {
  notificationsSent: ({ rows }) => ({
    header: ['day', 'type', 'sent'],
    rows: rows.map((row) => [row.day, row.type, row.sent]),
  }),
  notificationReads: ({ rows }) => ({
    header: ['type', 'sent', 'read', 'read_rate', ...durationHeader('median_time_to_read'), ...durationHeader('p90_time_to_read')],
    rows: rows.map((row) => [row.type, row.sent, row.read, rate(row.readRate), ...duration(row.medianSeconds), ...duration(row.p90Seconds)]),
  }),
  actionsResolved: ({ rows }) => {
    const outcomes = [...new Set(rows.flatMap((row) => Object.keys(row.outcomes)))].sort();
    return {
      header: ['type', 'asked', 'resolved', ...outcomes.map((outcome) => outcome.toLowerCase()), ...durationHeader('median_time_to_resolve'), ...durationHeader('p90_time_to_resolve')],
      rows: rows.map((row) => [
        row.type,
        row.asked,
        row.resolved,
        ...outcomes.map((outcome) => row.outcomes[outcome] ?? 0),
        ...duration(row.medianSeconds),
        ...duration(row.p90Seconds),
      ]),
    };
  },
  approvalTurnaround: (output) => ({
    header: ['week', 'decided', 'approved', 'rejected', ...durationHeader('median_turnaround'), ...durationHeader('p90_turnaround')],
    rows: [
      ['all', output.decided, output.approved, output.rejected, ...duration(output.medianSeconds), ...duration(output.p90Seconds)],
      // Per week: decisions and their median only (the report gives no split or p90 per week).
      ...output.weeks.map((week) => [week.week, week.decided, null, null, ...duration(week.medianSeconds), null, null]),
    ],
  }),
  pendingDecisions: ({ rows, oldestSeconds }) => ({
    header: ['age', 'approval', 'acceptance', ...durationHeader('oldest_waiting')],
    // The oldest wait is the report's, repeated on each row so that every row reads on its own.
    rows: rows.map((row) => [row.age, row.approval, row.acceptance, ...duration(oldestSeconds)]),
  }),
  goalResponses: (output) => ({
    header: ['assigned', 'accepted', 'declined', 'open', 'acceptance_rate', 'decline_rate'],
    rows: [[output.assigned, output.accepted, output.declined, output.open, rate(output.acceptanceRate), rate(output.declineRate)]],
  }),
  goalCompletion: ({ rows }) => ({
    header: ['quarter', 'type', 'goals', 'completed', 'completion_rate'],
    rows: rows.map((row) => [row.quarter, row.type, row.goals, row.completed, rate(row.completionRate)]),
  }),
};

/** The file's name: the report and its filters, so that two downloads never overwrite each other. */
export function csvFileName(name: ReportName, filter: { from: string; to: string; teamId?: number }): string {
  return `${name}_${filter.from}_${filter.to}${filter.teamId === undefined ? '' : `_team-${filter.teamId}`}.csv`;
}
