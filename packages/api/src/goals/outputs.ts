/** What the goal procedures answer (see notifications/outputs.ts): the REST API's responses, and a check on every answer. */
import { z } from 'zod';
import { GoalAction, GoalStatus, GoalType } from '@pms/shared';
import { timestamp } from '../lib/outputs.js';

const person = { id: z.number().int(), name: z.string() };

export const goalOutput = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  type: GoalType,
  year: z.number().int(),
  quarter: z.number().int().nullable(),
  dueDate: z.string().nullable().describe('A date like 2026-03-31'),
  status: GoalStatus,
  progress: z.number().int().describe('0 to 100'),
  lastReason: z.string().nullable().describe('The reason of the last rejection or decline'),
  version: z.number().int().describe('Grows with every change'),
  parentGoalId: z.number().int().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  daysLeft: z.number().int().nullable().describe("Days to the due date in the owner's time zone, negative when overdue"),
  owner: z.object({ ...person, supervisorId: z.number().int().nullable() }),
  creator: z.object(person),
  allowedActions: z.array(GoalAction).describe('What the caller may do to the goal now'),
});

export const goalWithHistoryOutput = goalOutput.extend({
  history: z
    .array(
      z.object({
        id: z.number().int(),
        action: z.string(),
        fromStatus: GoalStatus.nullable(),
        toStatus: GoalStatus,
        reason: z.string().nullable().describe('The rejection or decline reason, or the note given with progress'),
        progress: z.number().int().nullable(),
        createdAt: timestamp,
        actorId: z.number().int(),
        actorName: z.string(),
      }),
    )
    .describe('Oldest first'),
});

export const goalPageOutput = z.object({
  items: z.array(goalOutput),
  nextCursor: z.number().int().nullable().describe('Pass as `cursor` for the next page; null on the last'),
});

const waiting = z.object({
  count: z.number().int(),
  oldestSince: timestamp.nullable().describe('When the oldest of them started waiting; null when none'),
});

export const teamDashboardOutput = z.object({
  reports: z
    .array(
      z.object({
        ...person,
        email: z.string(),
        active: z.number().int().describe('Goals ACTIVE'),
        awaitingYou: waiting.describe('Goals awaiting your approval'),
        awaitingThem: waiting.describe('Goals assigned to them awaiting their acceptance'),
        overdue: z.number().int().describe('Goals past their due date (in their time zone), neither completed nor cancelled'),
        completedThisQuarter: z.number().int().describe('Goals completed since this quarter began (in your time zone)'),
        averageProgress: z.number().int().nullable().describe('Mean progress of their active goals, rounded; null without any'),
      }),
    )
    .describe("The caller's active direct reports, by name"),
  pending: z
    .array(
      z.object({
        goalId: z.number().int(),
        title: z.string(),
        kind: z.enum(['approval', 'acceptance']).describe('approval: waits on you; acceptance: waits on the report'),
        owner: z.object(person),
        since: timestamp.describe('When it started waiting'),
      }),
    )
    .describe('The oldest pending decisions first, up to pendingLimit'),
  pendingTotal: z.number().int().describe('Pending decisions in all, listed or not'),
});

export const alignedGoalsOutput = goalPageOutput.extend({
  summary: z.object({
    visible: z.number().int().describe('Aligned goals the caller may see (every page)'),
    hidden: z.number().int().describe('Aligned goals the caller may not see: only counted'),
    counted: z.number().int().describe('The visible ones that count towards combinedProgress: all but the cancelled'),
    combinedProgress: z
      .number()
      .int()
      .nullable()
      .describe('Mean progress of the counted goals (a completed goal counts 100), rounded; null when none counts'),
  }),
});
