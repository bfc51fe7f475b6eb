import { z } from 'zod';
import { Permission } from './enums.js';
import { idempotencyKey } from './idempotency.js';

/** Required, trimmed, non-empty, length-limited text; the message names the field. */
export const text = (field: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be text`) })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(max, { error: `${field} must be at most ${max} characters` });

/** A whole number from `min` to `max`; the messages name the field. */
export const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be between ${min} and ${max}` })
    .max(max, { error: `${field} must be between ${min} and ${max}` });

export const email = z
  .string({ error: 'email must be text' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'email must be a valid email address' }));

/** A password being set. The server also refuses common ones (packages/api/src/auth/password-policy.ts). */
export const password = z
  .string({ error: 'password must be text' })
  .min(12, { error: 'password must be at least 12 characters' })
  .max(200, { error: 'password must be at most 200 characters' });

export const id = (field = 'id') =>
  z.coerce
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be a whole number` })
    .positive({ error: `${field} must be positive` });

export const loginInput = z.object({
  email,
  password: z.string({ error: 'password must be text' }).min(1, { error: 'password must not be empty' }).max(200),
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

export const updateUserInput = z.object({
  id: id(),
  name: text('name', 120).optional(),
  supervisorId: id('supervisorId').nullable().optional(),
  permissions: permissions.optional(),
  active: z.boolean({ error: 'active must be true or false' }).optional(),
});
