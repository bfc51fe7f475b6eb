/**
 * Building blocks of the output schemas (`<capability>/outputs.ts`). A procedure's answer holds
 * Date objects: tRPC carries them as dates (superjson), REST as ISO 8601 strings (JSON), which is
 * what the OpenAPI document says.
 */
import { z } from 'zod';

export const timestamp = z.date().meta({ override: { type: 'string', format: 'date-time' } });

export const nullableTimestamp = timestamp.nullable();

/** A count: a whole number, never negative. */
export const count = z.number().int().min(0);
