/** What the user procedures answer (see notifications/outputs.ts). */
import { z } from 'zod';
import { Permission } from '@pms/shared';

export const userOutput = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  supervisorId: z.number().int().nullable(),
  permissions: z.array(Permission),
  active: z.boolean(),
});
