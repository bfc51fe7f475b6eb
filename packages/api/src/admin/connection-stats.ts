/**
 * Live connection stats for administrators: the figures of every instance, pushed as the
 * instances report them (realtime/stats-feed.ts: one shared read per process per report, no
 * timer per subscriber). The caller's session is checked again before every push and whenever
 * users change, so a subscriber who loses the admin permission is cut off (FORBIDDEN), and one
 * whose session ends loses its socket (1008), which ends the subscription.
 */
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { databaseFault } from '../lib/database-faults.js';
import type { ConnectionStats } from '../realtime/stats-feed.js';
import { claimSlot } from '../realtime/subscribe.js';
import { adminProcedure, hasPermission, type ApiDeps, type Session, type Transport } from '../trpc.js';

/** The caller as they are now; over HTTP (in-process callers) the session the call began with. */
async function stillAdmin(ctx: { deps: ApiDeps; session: Session; transport: Transport }): Promise<void> {
  const { transport } = ctx;
  const { sessions } = ctx.deps.realtime;
  const session = transport.kind === 'http' ? ctx.session : (sessions.fresh(transport.connectionId) ?? (await sessions.current(transport.connectionId)));
  if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  if (!hasPermission(session.user, 'admin')) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only administrators may do this' });
}

export const onConnectionStats = adminProcedure
  // `{}` is what the SPA's tab relay sends for a subscription without input.
  .input(z.object({}).strict().optional())
  .subscription(async function* ({ ctx, signal }): AsyncGenerator<ConnectionStats> {
    const { stats: feed } = ctx.deps.realtime;
    const socketId = ctx.transport.kind === 'http' ? null : ctx.transport.connectionId;
    const releaseSlot = socketId === null ? () => {} : claimSlot(ctx.deps, socketId);
    const leave = feed.join();
    const stopped = signal ?? new AbortController().signal;
    try {
      let sent = null as ConnectionStats | null;
      while (!stopped.aborted) {
        const seen = feed.version;
        let checked = true;
        try {
          await stillAdmin(ctx);
        } catch (error) {
          // The session cannot be read while the database is away: send nothing new until it
          // can, but say that the figures sent are paused (the same figures, nothing more).
          if (!databaseFault(error)) throw error;
          checked = false;
        }
        const stats = feed.stats;
        const next: ConnectionStats | null = checked ? stats : sent?.live && stats && !stats.live ? { ...sent, live: false } : null;
        if (next && next !== sent) {
          sent = next;
          yield next;
        }
        await feed.changedSince(seen, stopped);
      }
    } finally {
      leave();
      releaseSlot();
    }
  });
