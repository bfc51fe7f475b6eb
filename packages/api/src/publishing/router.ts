/**
 * Other modules' way in: the type registry (`notificationTypes`) and `notifications.publish` /
 * `notifications.publication`, over tRPC and as REST under /api/v1 (trpc-to-openapi).
 */
import { TRPCError } from '@trpc/server';
import { idempotencyKey, publicationIdInput, publishInput, registerTypeInput } from '@pms/shared';
import { z } from 'zod';
import { adminProcedure, rest, router, scopedProcedure, type Context } from '../trpc.js';
import { notificationTypeOutput, publicationOutput, publicationStateOutput } from './outputs.js';
import { createPublication, readPublication } from './publications.js';
import { listTypes, registerType } from './types.js';

/** The key of a retry: the input's `idempotencyKey`, or over HTTP the `Idempotency-Key` header (a UUID). */
function retryKey(ctx: Context, fromInput: string | undefined): string | undefined {
  const header = ctx.transport.kind === 'http' ? ctx.transport.idempotencyKey : null;
  if (header === null) return fromInput;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success || !parsed.data) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The Idempotency-Key header must be a UUID' });
  if (fromInput !== undefined && fromInput !== parsed.data) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'idempotencyKey and the Idempotency-Key header differ: give one' });
  }
  return parsed.data;
}

export const notificationTypesRouter = router({
  /** Every registered type with its category and label: what `publish` accepts and filters list. */
  list: scopedProcedure(['notifications:read', 'notifications:publish'], 'everyone')
    .meta(rest('GET', '/notification-types', 'notification-types', 'The registered notification types, with their category and label'))
    .input(z.void())
    .output(z.array(notificationTypeOutput))
    .query(({ ctx }) => listTypes(ctx.deps.db)),

  /** Registers a type in a category (administrators, not keys); the same again is a no-op, another category a 409. */
  register: adminProcedure
    .meta(rest('POST', '/notification-types', 'notification-types', 'Register a notification type in a category', 'The same type and category again changes nothing; another category is a 409.'))
    .input(registerTypeInput)
    .output(notificationTypeOutput)
    .mutation(({ ctx, input }) => registerType(ctx.deps.db, input)),
});

export const publishingProcedures = {
  /**
   * Notifies people (1 to 1000, by id or email) with a registered type, now or at `sendAt`. Retried
   * with the same idempotency key it answers the first result and notifies nobody again.
   */
  publish: scopedProcedure('notifications:publish', 'admins')
    .meta({
      openapi: {
        ...rest('POST', '/notifications', 'publishing', 'Notify people, now or at sendAt', 'Recipients by id or email, a registered type; a 400 stores nothing.').openapi!,
        successDescription: 'The publication',
        requestHeaders: z.object({
          'idempotency-key': z.uuid().optional().describe('A UUID per notification, the same on every retry: a retry answers the first result'),
        }),
      },
    })
    .input(publishInput)
    .output(publicationOutput)
    .mutation(({ ctx, input }) => createPublication(ctx.deps, ctx.caller, { ...input, idempotencyKey: retryKey(ctx, input.idempotencyKey) })),

  /** A publication and, per recipient, what became of it (scheduled, unread, read, archived, removed). */
  publication: scopedProcedure('notifications:read', 'admins')
    .meta(rest('GET', '/notifications/publications/{id}', 'publishing', 'A publication, and what became of it per recipient'))
    .input(publicationIdInput)
    .output(publicationStateOutput)
    .query(({ ctx, input }) => readPublication(ctx.deps.db, input.id)),
};
