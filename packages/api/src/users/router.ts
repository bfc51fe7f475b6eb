import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createUserInput, updateUserInput } from '@pms/shared';
import type { DB } from '@pms/db';
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
        const sessions = await trx
          .updateTable('sessions')
          .set({ revoked_at: new Date() })
          .where('user_id', '=', id)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        const revoked = sessions.map((s) => s.id);
        if (revoked.length) await announceSessionsRevoked(trx, revoked);
        return { updated, revoked };
      });
      // This instance at once; the others when the announcements reach them.
      ctx.deps.realtime.sessionsChanged({ users: [updated.id], revoked });
      return updated;
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
