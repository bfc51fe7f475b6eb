import { z } from 'zod';
import { Permission } from './enums.js';
import { idempotencyKey } from './idempotency.js';

/** The largest PostgreSQL `integer` (int4): every id and stored whole number fits in it. */
export const INT4_MAX = 2_147_483_647;

/**
 * Object keys tRPC's transformer (superjson) refuses to write (prototype pollution): an answer
 * holding one fails as a whole, so free-form input objects may not use them.
 */
export const TRANSFORMER_REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** PostgreSQL text cannot hold U+0000 ("invalid byte sequence"), so it is refused up front. */
const NUL_FREE = /^[^\u0000]*$/;

/** Any text without NUL characters; the messages name the field. */
export const plainText = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be text`) })
    .regex(NUL_FREE, { error: `${field} must not contain NUL characters` });

/** Required, trimmed, non-empty, length-limited text; the message names the field. */
export const text = (field: string, max: number) =>
  plainText(field)
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(max, { error: `${field} must be at most ${max} characters` });

/** A whole number from `min` to `max` (a number, never coerced); the messages name the field. */
export const wholeNumber = (field: string, min: number, max: number, messages: { below?: string; above?: string } = {}) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: messages.below ?? `${field} must be between ${min} and ${max}` })
    .max(max, { error: messages.above ?? `${field} must be between ${min} and ${max}` });

export const email = plainText('email')
  .trim()
  .max(254, { error: 'email must be at most 254 characters' })
  .toLowerCase()
  .pipe(z.email({ error: 'email must be a valid email address' }));

/** A password being set. The server also refuses common ones (packages/api/src/auth/password-policy.ts). */
export const password = plainText('password')
  .min(12, { error: 'password must be at least 12 characters' })
  .max(200, { error: 'password must be at most 200 characters' });

/** A row id (an int4 column): a whole number from 1 to INT4_MAX, never coerced from text, arrays or booleans. */
export const id = (field = 'id') => wholeNumber(field, 1, INT4_MAX, { below: `${field} must be positive` });

export const loginInput = z.object({
  email,
  password: plainText('password').min(1, { error: 'password must not be empty' }).max(200, { error: 'password must be at most 200 characters' }),
});

export const permissions = z.array(Permission).max(Permission.options.length).transform((list) => [...new Set(list)]);

export const createUserInput = z.object({
  email,
  name: text('name', 120),
  password,
  supervisorId: id('supervisorId').nullable().default(null),
  permissions: permissions.default([]),
  idempotencyKey,
});

/** An administrator sets a user's new password (the server also refuses common ones). */
export const resetPasswordInput = z.object({
  id: id(),
  password,
  idempotencyKey,
});

export const updateUserInput = z.object({
  id: id(),
  name: text('name', 120).optional(),
  supervisorId: id('supervisorId').nullable().optional(),
  permissions: permissions.optional(),
  active: z.boolean({ error: 'active must be true or false' }).optional(),
});
