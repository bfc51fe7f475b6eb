import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { loginInput, Permission } from '@pms/shared';
import { announceSessionsRevoked } from '../realtime/channels.js';
import { timestamp } from '../lib/outputs.js';
import { authedProcedure, publicProcedure, rest } from '../trpc.js';
import { streamTicketOutput } from './outputs.js';
import { verifyPassword } from './password.js';
import { openSession } from './sessions.js';
import { issueStreamTicket, STREAM_TICKET_TTL_SECONDS } from './stream-tickets.js';

const BAD_LOGIN = 'Email or password is incorrect';

const loginOutput = z.object({
  token: z.string().describe('Send as `Authorization: Bearer <token>`'),
  expiresAt: timestamp,
  user: z.object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    supervisorId: z.number().int().nullable(),
    permissions: z.array(Permission),
  }),
});

const loginPath = rest(
  'POST',
  '/auth/login',
  'auth',
  'Sign in: a session token for the other calls',
  'Refused with 401 for a wrong email or password, 429 when throttled.',
);

export const authRouter = {
  /** Returns the token for API clients and, over HTTP, sets the HttpOnly session cookie. */
  login: publicProcedure
    .meta({ openapi: { ...loginPath.openapi!, protect: false } })
    .input(loginInput)
    .output(loginOutput)
    .mutation(async ({ ctx, input }) => {
      const { db, tokens, loginThrottle } = ctx.deps;
      // Counted per call (a batch, a socket and a request alike), before argon2 runs.
      await loginThrottle.admit(input.email, ctx.clientAddress);
      const user = await db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'supervisor_id', 'permissions', 'password_hash', 'active'])
        .where('email', '=', input.email)
        .executeTakeFirst();
      // Same message and same hashing cost whether or not the email exists.
      const valid = await verifyPassword(user?.password_hash ?? null, input.password);
      if (!user || !valid || !user.active) {
        ctx.deps.metrics.loginRefused('bad_credentials');
        throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_LOGIN });
      }
      await loginThrottle.succeeded(input.email, ctx.clientAddress);

      const { token, expiresAt } = await openSession(db, tokens, user.id);
      if (ctx.transport.kind === 'http') ctx.transport.setSessionCookie(token, expiresAt);
      return {
        token,
        expiresAt,
        user: { id: user.id, email: user.email, name: user.name, supervisorId: user.supervisor_id, permissions: user.permissions },
      };
    }),

  /** Ends this session everywhere: its cookie, and every socket using it on every instance. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', ctx.session.id).execute();
      await announceSessionsRevoked(trx, [ctx.session.id]);
    });
    // This instance at once; the others when the announcement reaches them.
    ctx.deps.realtime.sessionsChanged({ revoked: [ctx.session.id] });
    if (ctx.transport.kind === 'http') ctx.transport.clearSessionCookie();
    return { ok: true as const };
  }),

  /**
   * A single-use ticket, good for a short while, that opens the original WebSocket protocol
   * (`/api/notifications/ws?token=<ticket>`) under this session: the session token itself never goes in a URL.
   */
  streamTicket: authedProcedure
    .meta(
      rest(
        'POST',
        '/stream-tickets',
        'streams',
        'A ticket for the original WebSocket protocol',
        `Single use, valid for ${STREAM_TICKET_TTL_SECONDS} seconds, for a signed-in person (API keys have no stream). Open \`ws://host/api/notifications/ws?token=<ticket>\` with it; the socket then lives under this session.`,
      ),
    )
    .input(z.void())
    .output(streamTicketOutput)
    .mutation(({ ctx }) => issueStreamTicket(ctx.deps.db, ctx.session)),

  /** Who is signed in, and the due-soon window the SPA flags goals by (the reminders' own). */
  me: authedProcedure.query(({ ctx }) => ({ ...ctx.session.user, goalDueSoonDays: ctx.deps.config.goalDueSoonDays })),
};
