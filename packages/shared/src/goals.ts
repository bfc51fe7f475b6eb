/**
 * Goal inputs, shared by the server (which enforces them) and the SPA (which validates forms
 * with the same messages). Every message names its field.
 */
import { z } from 'zod';
import { GoalStatus, GoalType, type Permission } from './enums.js';
import { idempotencyKey } from './idempotency.js';
import { id, INT4_MAX, plainText, text, wholeNumber } from './inputs.js';

export const GOAL_LIMITS = { title: 200, description: 5000, reason: 1000, note: 1000 } as const;

/** What a caller can do to an existing goal; `byId` and the lists report the allowed ones. */
export const GoalAction = z.enum(['edit', 'submit', 'approve', 'reject', 'accept', 'decline', 'reassign', 'updateProgress', 'complete', 'cancel']);
export type GoalAction = z.infer<typeof GoalAction>;

/** YEARLY and QUARTERLY goals belong to the organisation; INDIVIDUAL ones to a person. */
export const ORGANISATIONAL_GOAL_TYPES: readonly GoalType[] = ['YEARLY', 'QUARTERLY'];

/** The permission creating each type needs (personal goals need none). The server enforces it; the SPA hides options. */
export const CREATE_GOAL_PERMISSION: Record<GoalType, Permission | null> = {
  YEARLY: 'goal_create_yearly',
  QUARTERLY: 'goal_create_quarterly',
  INDIVIDUAL: null,
};

const goalType = z.enum(GoalType.options, { error: `type must be one of ${GoalType.options.join(', ')}` });
const goalStatus = z.enum(GoalStatus.options, { error: `status must be one of ${GoalStatus.options.join(', ')}` });

const description = plainText('description')
  .trim()
  .max(GOAL_LIMITS.description, { error: `description must be at most ${GOAL_LIMITS.description} characters` });

/** Optional free text: blank counts as absent, so an empty textarea is fine. */
const optionalText = (field: string, max: number) =>
  plainText(field)
    .trim()
    .max(max, { error: `${field} must be at most ${max} characters` })
    .optional()
    .transform((value) => value || undefined);

const YEARS = { min: 2000, max: 2100 } as const;
const year = wholeNumber('year', YEARS.min, YEARS.max);
const quarter = wholeNumber('quarter', 1, 4);

const dueDate = z.iso.date({ error: 'dueDate must be a date like 2026-03-31' });

export interface GoalPeriod {
  type: GoalType;
  year: number;
  quarter?: number | null;
  dueDate?: string | null;
}

const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'];

/** "Q2 2026" or "2026". */
export function periodLabel({ type, year, quarter }: GoalPeriod): string {
  return type === 'QUARTERLY' && quarter ? `Q${quarter} ${year}` : String(year);
}

/**
 * The period rules: a quarter for quarterly goals and only for them, and a due date inside
 * the goal's year (or quarter). Returns the first problem, naming its field, or null.
 */
export function goalPeriodProblem(goal: GoalPeriod): { field: 'quarter' | 'dueDate'; message: string } | null {
  const quarterly = goal.type === 'QUARTERLY';
  if (quarterly && !goal.quarter) return { field: 'quarter', message: 'quarter is required for quarterly goals' };
  if (!quarterly && goal.quarter) return { field: 'quarter', message: 'quarter applies to quarterly goals only' };
  if (!goal.dueDate) return null;
  const first = quarterly ? `${goal.year}-${String(goal.quarter! * 3 - 2).padStart(2, '0')}-01` : `${goal.year}-01-01`;
  const last = `${goal.year}-${quarterly ? QUARTER_ENDS[goal.quarter! - 1] : '12-31'}`;
  if (goal.dueDate < first || goal.dueDate > last) {
    return { field: 'dueDate', message: `dueDate must fall within the goal's period (${periodLabel(goal)})` };
  }
  return null;
}

/** Without a year, a goal belongs to its due date's year, or else to the current one. */
function withYear<T extends { year?: number; dueDate?: string }>(input: T): T & { year: number } {
  return { ...input, year: input.year ?? Number(input.dueDate?.slice(0, 4) || new Date().getUTCFullYear()) };
}

function checkPeriod<T extends GoalPeriod>(goal: T, ctx: z.RefinementCtx): T {
  // A year taken from the due date is held to the same bounds as a given one.
  const problem =
    goal.year < YEARS.min || goal.year > YEARS.max
      ? { field: 'dueDate', message: `dueDate must be in a year between ${YEARS.min} and ${YEARS.max}` }
      : goalPeriodProblem(goal);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  return goal;
}

export const createGoalInput = z
  .object({
    type: goalType,
    title: text('title', GOAL_LIMITS.title),
    description: description.default(''),
    year: year.optional(),
    quarter: quarter.optional(),
    dueDate: dueDate.optional(),
    parentGoalId: id('parentGoalId').optional(),
    idempotencyKey,
  })
  .transform((input, ctx) => checkPeriod(withYear(input), ctx));
export type CreateGoalInput = z.input<typeof createGoalInput>;

/** A supervisor assigns a personal goal to one of their direct reports. */
export const assignGoalInput = z
  .object({
    superviseeId: id('superviseeId'),
    title: text('title', GOAL_LIMITS.title),
    description: description.default(''),
    year: year.optional(),
    dueDate: dueDate.optional(),
    parentGoalId: id('parentGoalId').optional(),
    idempotencyKey,
  })
  .transform((input, ctx) => checkPeriod({ ...withYear(input), type: 'INDIVIDUAL' as const }, ctx));
export type AssignGoalInput = z.input<typeof assignGoalInput>;

/** Edits a goal still being agreed; the period rules are checked against the merged goal. */
export const updateGoalInput = z.object({
  id: id(),
  /** The version the editor saw; a newer one means someone else changed it (CONFLICT). */
  version: wholeNumber('version', 1, INT4_MAX).optional(),
  title: text('title', GOAL_LIMITS.title).optional(),
  description: description.optional(),
  year: year.optional(),
  quarter: quarter.optional(),
  dueDate: dueDate.nullable().optional(),
  parentGoalId: id('parentGoalId').nullable().optional(),
}).refine(({ id: _id, version: _version, ...fields }) => Object.values(fields).some((value) => value !== undefined), {
  error: 'Nothing to update: give at least one of title, description, year, quarter, dueDate, parentGoalId',
});
export type UpdateGoalInput = z.input<typeof updateGoalInput>;

export const goalIdInput = z.object({ id: id() });

/** Rejections and declines must say why. */
export const goalReasonInput = z.object({ id: id(), reason: text('reason', GOAL_LIMITS.reason) });

/** Goals one bulk decision may take: bounds its locks and its transaction. */
export const MAX_GOALS_PER_DECISION = 100;

const goalIdsMessage = `ids must hold 1 to ${MAX_GOALS_PER_DECISION} goal ids`;

/** Several goals rejected with one reason, all or none. */
export const rejectManyGoalsInput = z.object({
  ids: z
    .array(id('ids'), { error: (issue) => (issue.input === undefined ? 'ids is required' : goalIdsMessage) })
    .min(1, { error: goalIdsMessage })
    .max(MAX_GOALS_PER_DECISION, { error: goalIdsMessage })
    .refine((ids) => new Set(ids).size === ids.length, { error: 'ids must not repeat a goal' }),
  reason: text('reason', GOAL_LIMITS.reason),
});

export const cancelGoalInput = z.object({ id: id(), reason: optionalText('reason', GOAL_LIMITS.reason) });

export const updateProgressInput = z.object({
  id: id(),
  progress: wholeNumber('progress', 0, 100),
  note: optionalText('note', GOAL_LIMITS.note),
  idempotencyKey,
});

export const completeGoalInput = z.object({ id: id(), note: optionalText('note', GOAL_LIMITS.note), idempotencyKey });

const page = {
  /** The `nextCursor` of the previous page; absent for the first page. */
  cursor: id('cursor').nullish(),
  limit: wholeNumber('limit', 1, 100).default(20),
  type: goalType.optional(),
};

export const goalListInput = z.object({ ...page, status: goalStatus.optional() }).default({ limit: 20 });

export const superviseeGoalsInput = z
  .object({ ...page, status: goalStatus.optional(), superviseeId: id('superviseeId').optional() })
  .default({ limit: 20 });

export const pendingApprovalInput = z.object(page).default({ limit: 20 });

export const organisationalGoalsInput = z
  .object({ ...page, status: goalStatus.optional(), year: year.optional() })
  .default({ limit: 20 });

/** The team dashboard: how many of the oldest pending decisions to list. */
export const teamDashboardInput = z.object({ pendingLimit: wholeNumber('pendingLimit', 1, 100).default(10) }).default({ pendingLimit: 10 });

/** The goals aligned to one goal (its children: parentGoalId), a page at a time. */
export const alignedGoalsInput = z.object({ id: id(), cursor: page.cursor, limit: page.limit });
