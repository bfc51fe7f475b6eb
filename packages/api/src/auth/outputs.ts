/** What the auth procedures served over REST answer, as zod schemas (see notifications/outputs.ts). */
import { z } from 'zod';

export const streamTicketOutput = z.object({
  ticket: z.string().describe('Put it in the WebSocket URL: ws://host/api/notifications/ws?token=<ticket>. Good once, for 30 seconds.'),
  expiresAt: z.date(),
});
