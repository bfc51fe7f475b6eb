/**
 * What the notification procedures answer, as zod schemas: the REST API's documented responses
 * (trpc-to-openapi needs one per procedure it serves) and a check on every answer.
 */
import { z } from 'zod';

const instanceStats = z.object({
  instanceId: z.string(),
  sockets: z.number().int(),
  users: z.number().int(),
  subscriptions: z.number().int(),
  startedAt: z.date(),
  reportedAt: z.date(),
});

export const connectionStatsOutput = z.object({
  instances: z.array(instanceStats),
  totals: z.object({
    instances: z.number().int(),
    sockets: z.number().int(),
    users: z.number().int().describe('Distinct people connected, across instances'),
    subscriptions: z.number().int(),
  }),
});
