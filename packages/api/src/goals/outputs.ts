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
