import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { Database } from '@pms/db';

/** Serializes org-chart edits so two concurrent changes cannot form a cycle together. */
export async function lockOrgChart(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('pms.org_chart'))`.execute(trx);
}

/** Refuses a supervisor that is missing, inactive, or would put `userId` above themselves. */
export async function assertValidSupervisor(trx: Kysely<Database>, userId: number | null, supervisorId: number) {
  const supervisor = await trx
    .selectFrom('users')
    .select(['id', 'active'])
    .where('id', '=', supervisorId)
    .executeTakeFirst();
  if (!supervisor) throw new TRPCError({ code: 'BAD_REQUEST', message: `supervisorId: no user with id ${supervisorId}` });
  if (!supervisor.active) throw new TRPCError({ code: 'BAD_REQUEST', message: 'supervisorId: that user is deactivated' });
  if (userId === null) return;
  if (supervisorId === userId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'supervisorId: a user cannot supervise themselves' });

  // Walk up from the proposed supervisor; meeting the user means the change closes a loop.
  const { rows } = await sql<{ id: number }>`
    with recursive chain(id) as (
      select supervisor_id from users where id = ${supervisorId}
      union
      select u.supervisor_id from users u join chain c on u.id = c.id
    )
    select id from chain where id = ${userId}
  `.execute(trx);
  if (rows.length > 0) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'supervisorId: this would make a supervisor cycle (the user already supervises that person, directly or indirectly)',
    });
  }
}
