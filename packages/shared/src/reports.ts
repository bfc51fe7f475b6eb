/**
 * The reports: what each one takes and answers, shared by the server (packages/api/src/reports/)
 * and the SPA (apps/web/src/reports/), which draws them and exports each as CSV.
 * Administrators see the organisation or any team; supervisors their own team; nobody else any.
 * A team is a supervisor's whole subtree (direct and indirect reports), not the supervisor.
 */
import { z } from 'zod';
import { id } from './inputs.js';

/** The longest range one report covers. */
export const REPORT_MAX_DAYS = 366;

const day = (field: string) => z.iso.date({ error: `${field} must be a date like 2026-03-31` });

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;

export const reportFilterInput = z
  .object({
    /** First day, inclusive (UTC). */
    from: day('from'),
    /** Last day, inclusive (UTC). */
    to: day('to'),
    /** The supervisor whose team is reported; absent: the organisation (administrators) or the caller's team. */
    teamId: id('teamId').optional(),
  })
  .check((context) => {
    const { from, to } = context.value;
    if (to < from) context.issues.push({ code: 'custom', input: to, path: ['to'], message: 'to must not be before from' });
    else if (daysBetween(from, to) + 1 > REPORT_MAX_DAYS) {
      context.issues.push({ code: 'custom', input: to, path: ['to'], message: `a report covers at most ${REPORT_MAX_DAYS} days (from to to)` });
    }
  });
export type ReportFilter = z.infer<typeof reportFilterInput>;

/** Durations are whole seconds; null when there is nothing to measure. */
const seconds = z.number().int().nonnegative().nullable();
const rate = z.number().min(0).max(1).nullable();

/** Notifications sent per day and type (the days of the range that had any). */
export const notificationsSentOutput = z.object({
  rows: z.array(z.object({ day: z.string(), type: z.string(), sent: z.number().int() })),
});

/** Per type, of the notifications sent in the range: how many were read, and how fast. */
export const notificationReadsOutput = z.object({
  rows: z.array(
    z.object({ type: z.string(), sent: z.number().int(), read: z.number().int(), readRate: rate, medianSeconds: seconds, p90Seconds: seconds }),
  ),
});

/** Per type, of the notifications sent in the range that asked for a decision: how many were resolved, how, and how fast. */
export const actionsResolvedOutput = z.object({
  rows: z.array(
    z.object({
      type: z.string(),
      asked: z.number().int(),
      resolved: z.number().int(),
      /** Resolutions by outcome (APPROVED, REJECTED, ACCEPTED, DECLINED, CANCELLED). */
      outcomes: z.record(z.string(), z.number().int()),
      medianSeconds: seconds,
      p90Seconds: seconds,
    }),
  ),
});

/** Decisions on goals awaiting approval made in the range, and the time from submission to decision. */
export const approvalTurnaroundOutput = z.object({
  decided: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  medianSeconds: seconds,
  p90Seconds: seconds,
  /** Per week (Monday) of decision. */
  weeks: z.array(z.object({ week: z.string(), decided: z.number().int(), medianSeconds: seconds })),
});

/** Decisions waiting now (approval or acceptance), by how long they have waited. The range does not apply. */
export const PENDING_AGE_BUCKETS = ['under 1 day', '1–3 days', '3–7 days', '1–2 weeks', 'over 2 weeks'] as const;
export const pendingDecisionsOutput = z.object({
  rows: z.array(z.object({ age: z.enum(PENDING_AGE_BUCKETS), approval: z.number().int(), acceptance: z.number().int() })),
  oldestSeconds: seconds,
});

/** Goals assigned in the range, and how their assignees answered. */
export const goalResponsesOutput = z.object({
  assigned: z.number().int(),
  accepted: z.number().int(),
  declined: z.number().int(),
  open: z.number().int(),
  acceptanceRate: rate,
  declineRate: rate,
});

/** Goals due in the range's quarters, per type and quarter: how many, and how many completed. */
export const goalCompletionOutput = z.object({
  rows: z.array(
    z.object({ quarter: z.string(), type: z.string(), goals: z.number().int(), completed: z.number().int(), completionRate: rate }),
  ),
});

/** The teams the caller may report on: every supervisor for administrators, the caller's own otherwise. */
export const reportTeamsOutput = z.object({
  organisation: z.boolean(),
  teams: z.array(z.object({ id: z.number().int(), name: z.string(), size: z.number().int() })),
});

export const REPORTS = {
  notificationsSent: notificationsSentOutput,
  notificationReads: notificationReadsOutput,
  actionsResolved: actionsResolvedOutput,
  approvalTurnaround: approvalTurnaroundOutput,
  pendingDecisions: pendingDecisionsOutput,
  goalResponses: goalResponsesOutput,
  goalCompletion: goalCompletionOutput,
} as const;
export type ReportName = keyof typeof REPORTS;
export type ReportOutput<N extends ReportName> = z.infer<(typeof REPORTS)[N]>;
