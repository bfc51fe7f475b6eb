/** What the API key procedures answer: the REST API's documented responses and a check on each answer. */
import { z } from 'zod';
import { apiScope } from '@pms/shared';

/** A key as listed: never its secret, only the first characters (`hint`) to tell keys apart. */
export const apiKeyOutput = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(apiScope),
  hint: z.string().describe('The first characters of the secret, e.g. `pms_AbC1`'),
  createdBy: z.object({ id: z.number().int(), name: z.string() }).nullable().describe('The administrator who created it; null once they are deleted'),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable().describe('Kept to the minute'),
  revokedAt: z.date().nullable(),
});

export const apiKeyListOutput = z.array(apiKeyOutput);

/** A key with its secret: answered once, by create and rotate, and never again. */
export const apiKeyWithSecretOutput = apiKeyOutput.extend({
  secret: z.string().describe('The key itself (`pms_…`): send it as `Authorization: Bearer <secret>`. It is not stored and cannot be shown again.'),
});
