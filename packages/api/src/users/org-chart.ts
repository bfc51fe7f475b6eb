import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { Database } from '@pms/db';
import { closesLoop, type Chain } from '../lib/chains.js';

const ORG_CHART: Chain = { table: 'users', link: 'supervisor_id', lock: 'pms.org_chart' };

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

  if (await closesLoop(trx, ORG_CHART, userId, supervisorId)) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'supervisorId: this would make a supervisor cycle (the user already supervises that person, directly or indirectly)',
    });
  }
}
