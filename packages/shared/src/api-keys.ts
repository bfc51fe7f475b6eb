/** API keys: what a service may do with one (its scopes), and the administrators' inputs. */
import { z } from 'zod';

/**
 * Each scope opens the procedures that name it (`scopedProcedure` in @pms/api trpc.ts); a key
 * can call nothing else. Read scopes see the whole organisation: a key stands for a service, not a person.
 */
export const API_SCOPES = ['notifications:publish', 'notifications:read', 'goals:read', 'users:read', 'connections:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const apiScope = z.enum(API_SCOPES, { error: `scope must be one of ${API_SCOPES.join(', ')}` });

/** Every key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'pms_';
