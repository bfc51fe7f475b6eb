/**
 * What a new password must be: the shared rules (12 to 200 characters, checked in the SPA's forms
 * too), and not one of the ~49,000 most common passwords of zxcvbn's list, compared without case.
 * Server side only: the list would weigh ~400 KB in the SPA.
 */
import { z } from 'zod';
import { password } from '@pms/shared';

let commonPasswords: Promise<Set<string>> | undefined;

/** Loaded on first use: unpacking the list takes ~0.5 s and ~8 MB, and only setting a password needs it. */
function loadCommonPasswords(): Promise<Set<string>> {
  return (commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'])));
}

/** The schema for a password being set; async, so tRPC parses it with parseAsync. */
export const newPassword = password.pipe(
  z.string().refine(async (plain) => !(await loadCommonPasswords()).has(plain.toLowerCase()), {
    error: 'this password is too common; choose another',
  }),
);
