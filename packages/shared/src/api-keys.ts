/** API keys: what a service may do with one (its scopes), and the administrators' inputs. */
import { z } from 'zod';
import { id, text } from './inputs.js';

/**
 * Each scope opens the procedures that name it (`scopedProcedure` in @pms/api trpc.ts); a key
 * can call nothing else. Read scopes see the whole organisation: a key stands for a service, not a person.
 */
export const API_SCOPES = ['notifications:publish', 'notifications:read', 'goals:read', 'users:read', 'connections:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const apiScope = z.enum(API_SCOPES, { error: `scope must be one of ${API_SCOPES.join(', ')}` });

/** What each scope opens, in one line: the admin screen's checkboxes and the README say the same. */
export const API_SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  'notifications:publish': 'Send notifications to people (other PMS modules: initiatives, reviews)',
  'notifications:read': "Read people's notifications and their counts",
  'goals:read': 'Read goals and their lists across the organisation',
  'users:read': 'Read the directory of people and who supervises whom',
  'connections:read': 'Read live connection statistics (sockets, users, instances)',
};

/** Every key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'pms_';

/** At least one scope, none twice; kept in API_SCOPES' order so keys read alike everywhere. */
export const apiScopes = z
  .array(apiScope, { error: 'scopes must be a list of scopes' })
  .min(1, { error: 'scopes must name at least one scope' })
  .refine((scopes) => new Set(scopes).size === scopes.length, { error: 'scopes must not name a scope twice' })
  .transform((scopes) => API_SCOPES.filter((scope) => scopes.includes(scope)));

/** The service the key stands for ("reviews module"): it names the key in logs and on the admin screen. */
const keyName = text('name', 100);

export const createApiKeyInput = z.object({ name: keyName, scopes: apiScopes });
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

export const apiKeyIdInput = z.object({ id: id() });

export const updateApiKeyInput = z
  .object({ id: id(), name: keyName.optional(), scopes: apiScopes.optional() })
  .refine((input) => input.name !== undefined || input.scopes !== undefined, { error: 'Give a new name or new scopes: there is nothing to change' });
export type UpdateApiKeyInput = z.input<typeof updateApiKeyInput>;
