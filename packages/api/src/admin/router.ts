/**
 * What administrators look into when people are not reached: every mail sent or kept (the
 * ledger of channels/mail/), and background jobs that failed for good, with a way to run one again.
 */
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { failedJobsInput, jobIdInput, mailByIdInput, sentMailInput } from '@pms/shared';
import { adminProcedure } from '../trpc.js';
import { onConnectionStats } from './connection-stats.js';

/** `a_b%` matched literally inside ILIKE. */
const literal = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

interface FailedJobRow {
  id: string;
  name: string;
  data: unknown;
  output: unknown;
  retryCount: number;
  retryLimit: number;
  createdOn: Date;
  startedOn: Date | null;
  completedOn: Date | null;
}

/** pg-boss keeps a failure's error as `{ message }` (JobQueue#run), or whatever a handler threw. */
function errorOf(output: unknown): string | null {
  if (output === null || output === undefined) return null;
  if (typeof output === 'object' && 'message' in output && typeof output.message === 'string') return output.message;
  return JSON.stringify(output);
}

export const adminRouter = {
  /** Every instance's sockets, subscriptions and people online, pushed as they change. */
  onConnectionStats,

  /** Mail newest first, without the bodies; keyset pages by id. */
  sentMail: adminProcedure.input(sentMailInput).query(async ({ ctx, input }) => {
    let query = ctx.deps.db
      .selectFrom('mail_messages')
      .select(['id', 'to_address as to', 'subject', 'kind', 'category', 'status', 'transport', 'attempts', 'user_id as userId', 'created_at as createdAt', 'sent_at as sentAt'])
      .orderBy('id', 'desc')
      .limit(input.limit + 1);
    if (input.cursor) query = query.where('id', '<', input.cursor);
    if (input.to) query = query.where('to_address', 'ilike', `%${literal(input.to)}%`);
    if (input.kind) query = query.where('kind', '=', input.kind);
    const rows = await query.execute();
    const items = rows.slice(0, input.limit);
    return { items, nextCursor: rows.length > input.limit ? items.at(-1)!.id : null };
  }),

  /** One mail with its bodies and headers, as it went out (or was kept). */
  sentMailById: adminProcedure.input(mailByIdInput).query(async ({ ctx, input }) => {
    const mail = await ctx.deps.db
      .selectFrom('mail_messages')
      .select(['id', 'to_address as to', 'subject', 'kind', 'category', 'status', 'transport', 'attempts', 'message_id as messageId', 'html', 'text', 'headers', 'created_at as createdAt', 'sent_at as sentAt'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (!mail) throw new TRPCError({ code: 'NOT_FOUND', message: `No mail ${input.id}` });
    return mail;
  }),

  /**
   * Jobs that used up their retries, newest first, paged by (created, id). pg-boss moves jobs to
   * its archive later; a failed one stays in `pgboss.job` until then and can be retried there.
   */
  failedJobs: adminProcedure.input(failedJobsInput).query(async ({ ctx, input }) => {
    const after = input.cursor ? sql`and (created_on, id) < (${input.cursor.createdOn}, ${input.cursor.id}::uuid)` : sql``;
    const { rows } = await sql<FailedJobRow>`
      select id, name, data, output, retry_count as "retryCount", retry_limit as "retryLimit",
             created_on as "createdOn", started_on as "startedOn", completed_on as "completedOn"
      from pgboss.job
      where state = 'failed' ${after}
      order by created_on desc, id desc
      limit ${input.limit + 1}
    `.execute(ctx.deps.db);
    const items = rows.slice(0, input.limit).map(({ output, ...job }) => ({ ...job, error: errorOf(output) }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > input.limit && last ? { createdOn: last.createdOn, id: last.id } : null };
  }),

  /** Runs a failed job again, through its queue's own worker. */
  retryJob: adminProcedure.input(jobIdInput).mutation(async ({ ctx, input }) => {
    const { rows } = await sql<{ name: string; state: string }>`select name, state from pgboss.job where id = ${input.id}::uuid`.execute(ctx.deps.db);
    const job = rows[0];
    if (!job) throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${input.id}` });
    if (job.state !== 'failed' || !(await ctx.deps.jobs.retry(job.name, input.id))) {
      throw new TRPCError({ code: 'CONFLICT', message: `Job ${input.id} is not failed (it is ${job.state}): nothing to retry` });
    }
    return { id: input.id, name: job.name, state: 'retry' as const };
  }),
};
