/** Inputs of the administrators' screens: sent mail and failed jobs. */
import { z } from 'zod';
import { plainText, wholeNumber } from './inputs.js';

/** Mail rows are a bigserial: ids beyond int4 are possible, beyond 2^53 are not. */
const mailId = (field: string) => wholeNumber(field, 1, Number.MAX_SAFE_INTEGER, { below: `${field} must be positive` });

const pageLimit = wholeNumber('limit', 1, 100).default(25);

export const sentMailInput = z.object({
  /** The last id of the previous page: the next page holds older mail. */
  cursor: mailId('cursor').nullish(),
  limit: pageLimit,
  /** Part of the recipient's address, any case. */
  to: plainText('to').trim().max(254, { error: 'to must be at most 254 characters' }).optional(),
  /** The mail's kind exactly (`notification`, `digest`, …). */
  kind: plainText('kind').trim().max(64, { error: 'kind must be at most 64 characters' }).optional(),
});
export type SentMailInput = z.infer<typeof sentMailInput>;

export const mailByIdInput = z.object({ id: mailId('id') });

/** pg-boss job ids are UUIDs. */
export const jobIdInput = z.object({ id: z.uuid({ error: 'id must be a job id (a UUID)' }) });

export const failedJobsInput = z.object({
  /** `{createdOn, id}` of the last job of the previous page. */
  cursor: z
    .object({
      createdOn: z.date({ error: 'cursor.createdOn must be a date' }),
      id: z.uuid({ error: 'cursor.id must be a job id (a UUID)' }),
    })
    .nullish(),
  limit: pageLimit,
});
