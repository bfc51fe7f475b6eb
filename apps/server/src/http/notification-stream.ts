/**
 * The caller's notification events for the public live transports (Server-Sent Events, the
 * original WebSocket protocol), served by the `notifications.onEvent` procedure itself: its
 * session check, its resume after `lastEventId` (exactly once, in order) and its events.
 */
import type { TrackedEnvelope } from '@trpc/server';
import { appRouter, parseEventId, type Context, type NotificationEvent } from '@pms/api';

export interface OpenedStream {
  /**
   * Where the stream continues: after the client's lastEventId, or after the stream's head
   * as it was when it opened. The transports tell the client at once, so a client that
   * reconnects before its first event still resumes from an exact point.
   */
  from: string;
  /** `[event id, event, …]` envelopes, until `signal` aborts. */
  events: AsyncIterable<TrackedEnvelope<NotificationEvent>>;
}

/**
 * Opens the stream for `ctx` (a registered connection's). Throws BAD_REQUEST for a malformed
 * lastEventId and a database fault when the head cannot be read; both before anything is sent.
 */
export async function openNotificationStream(ctx: Context, lastEventId: string | null, signal: AbortSignal): Promise<OpenedStream> {
  const resumeAfter = parseEventId(lastEventId);
  const head = (await ctx.deps.realtime.streamHeads.read(ctx.session!.user.id)) ?? 0;
  // A lastEventId beyond the head (kept from another database, say) means "now", as in streamUserEvents.
  const from = String(resumeAfter === null ? head : Math.min(resumeAfter, head));
  const events = await appRouter.createCaller(ctx, { signal }).notifications.onEvent({ lastEventId: from });
  // The caller's type is what a tRPC client receives ({ id, data }); on the server the procedure
  // yields its `tracked()` envelopes as they are.
  return { from, events: events as unknown as OpenedStream['events'] };
}
