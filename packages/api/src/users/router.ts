import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createUserInput, resetPasswordInput, updateUserInput } from '@pms/shared';
import type { Database, DB } from '@pms/db';
import { hashPassword } from '../auth/password.js';
import { newPassword } from '../auth/password-policy.js';
import { announceSessionsRevoked, announceUsersChanged } from '../realtime/channels.js';
import { transactOnce } from '../idempotency/once.js';
import { adminProcedure, authedProcedure, rest, scopedProcedure } from '../trpc.js';
import { userOutput } from './outputs.js';
import { assertValidSupervisor } from './org-chart.js';

const publicColumns = ['id', 'email', 'name', 'supervisor_id as supervisorId', 'permissions', 'active'] as const;

function selectUsers(db: DB) {
  return db.selectFrom('users').select(publicColumns).orderBy('name').orderBy('id');
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

/** Ends the user's live sessions (but `keep`), announcing them so their sockets close on every instance once committed. */
async function revokeSessions(trx: Kysely<Database>, userId: number, keep?: string): Promise<string[]> {
  let query = trx.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keep) query = query.where('id', '!=', keep);
  const revoked = (await query.returning('id').execute()).map((session) => session.id);
  if (revoked.length) await announceSessionsRevoked(trx, revoked);
  return revoked;
}

export const usersRouter = {
  create: adminProcedure
    .meta(rest('POST', '/users', 'users', 'Create a user (administrators)'))
    .input(createUserInput.extend({ password: newPassword }))
    .output(userOutput)
    .mutation(async ({ ctx, input, path }) => {
      const passwordHash = await hashPassword(input.password);
      try {
        return await transactOnce(ctx.deps.db, { userId: ctx.session.user.id, procedure: path, input }, async (trx) => {
          if (input.supervisorId !== null) await assertValidSupervisor(trx, null, input.supervisorId);
          return trx
            .insertInto('users')
            .values({
              email: input.email,
              name: input.name,
              password_hash: passwordHash,
              supervisor_id: input.supervisorId,
              permissions: input.permissions,
            })
            .returning(publicColumns)
            .executeTakeFirstOrThrow();
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new TRPCError({ code: 'CONFLICT', message: 'email: a user with this email already exists' });
        throw error;
      }
    }),

  /** Open sockets of the user, on every instance, see the change at their next call. */
  update: adminProcedure
    .meta(rest('PATCH', '/users/{id}', 'users', 'Change a user (administrators)', 'Deactivating a user signs them out everywhere at once.'))
    .input(updateUserInput)
    .output(userOutput)
    .mutation(async ({ ctx, input }) => {
      const { updated, revoked } = await ctx.deps.db.transaction().execute(async (trx) => {
        const { id, name, supervisorId, permissions, active } = input;
        if (id === ctx.session.user.id && (active === false || (permissions && !permissions.includes('admin')))) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot deactivate yourself or remove your own admin permission' });
        }
        if (supervisorId) await assertValidSupervisor(trx, id, supervisorId);
        const updated = await trx
          .updateTable('users')
          .set({ name, supervisor_id: supervisorId, permissions, active, updated_at: new Date() })
          .where('id', '=', id)
          .returning(publicColumns)
          .executeTakeFirst();
        if (!updated) throw new TRPCError({ code: 'NOT_FOUND', message: `No user with id ${id}` });
        await announceUsersChanged(trx, [id]);

        if (active !== false) return { updated, revoked: [] };
        // A deactivated user is signed out everywhere at once.
        return { updated, revoked: await revokeSessions(trx, id) };
      });
      // This instance at once; the others when the announcements reach them.
      ctx.deps.realtime.sessionsChanged({ users: [updated.id], revoked });
      return updated;
    }),

  /**
   * Sets a user's password to one the administrator chose (the password policy applies), and
   * signs the user out everywhere, as deactivation does; the administrator's own current session
   * stays. A retry with the same idempotencyKey changes nothing again.
   */
  resetPassword: adminProcedure
    .meta(rest('POST', '/users/{id}/password', 'users', "Set a user's new password (administrators)", 'Signs the user out everywhere.'))
    .input(resetPasswordInput.extend({ password: newPassword }))
    .output(userOutput)
    .mutation(async ({ ctx, input, path }) => {
      const passwordHash = await hashPassword(input.password);
      const { user, revoked } = await transactOnce(ctx.deps.db, { userId: ctx.session.user.id, procedure: path, input }, async (trx) => {
        const user = await trx
          .updateTable('users')
          .set({ password_hash: passwordHash, updated_at: new Date() })
          .where('id', '=', input.id)
          .returning(publicColumns)
          .executeTakeFirst();
        if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: `No user with id ${input.id}` });
        return { user, revoked: await revokeSessions(trx, input.id, ctx.session.id) };
      });
      ctx.deps.realtime.sessionsChanged({ revoked });
      return user;
    }),

  /** Every user, by name: for administrators, and API keys holding users:read. */
  list: scopedProcedure('users:read', 'admins')
    .meta(rest('GET', '/users', 'users', 'Every user, by name', 'For administrators, and API keys with users:read.'))
    .input(z.void())
    .output(z.array(userOutput))
    .query(({ ctx }) => selectUsers(ctx.deps.db).execute()),

  /** My direct reports. */
  supervisees: authedProcedure.query(({ ctx }) =>
    selectUsers(ctx.deps.db).where('supervisor_id', '=', ctx.session.user.id).where('active', '=', true).execute(),
  ),
};
