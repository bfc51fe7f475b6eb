import { z } from 'zod';

/**
 * A client-generated key (crypto.randomUUID()) that makes a mutation safe to retry: the server
 * keeps the first result under it, per user, for a day, and answers a retry with that result.
 * One key per submitted form, kept across retries of the same submission.
 */
export const idempotencyKey = z.uuid({ error: 'idempotencyKey must be a UUID' }).optional();
