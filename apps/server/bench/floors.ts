/**
 * The floors the real server is compared with, in the same run and on the same sockets count:
 * a bare `ws` server, and tRPC's own ws adapter with an idle subscription (no context, no app).
 */
import type { Child } from './children.js';
import type { Fleet } from './fleet.js';
import { log } from './log.js';
import type { SocketTarget } from './load-generator.js';
import { perSocket, type PerSocket } from './report.js';

/** Loopback source address block per phase (127.0.<phase>.x), so no phase waits on another's ports. */
export const PHASE = { bare: 0, trpcFloor: 1, pms: 2, warmUp: 9 } as const;

/**
 * Runs every code path once (connect, context, subscription) and closes again, so that the
 * baseline taken next already holds the compiled code and lazily built structures.
 */
export async function warmUp(fleet: Fleet, servers: Child[], targets: SocketTarget[], subscribePath: string | null) {
  await fleet.connect(targets, PHASE.warmUp, subscribePath !== null);
  await fleet.awaitSockets(servers, targets.length, 30_000);
  if (subscribePath) await fleet.subscribe(subscribePath);
  await fleet.closeSockets();
  await fleet.awaitSockets(servers, 0, 30_000);
}

const targetsFor = (url: string, count: number): SocketTarget[] => Array.from({ length: count }, (_, index) => ({ index, url }));

export async function measureFloors(fleet: Fleet, sockets: number): Promise<PerSocket[]> {
  const rows: PerSocket[] = [];

  const bare = await fleet.startServer('bare', 'bare-ws');
  await warmUp(fleet, [bare.server], targetsFor(bare.url, 20), null);
  const bareBefore = await fleet.memoryOf([bare.server]);
  log(`bare ws: opening ${sockets} sockets`);
  await fleet.connect(targetsFor(bare.url, sockets), PHASE.bare, false);
  log(`bare ws: held ${await fleet.awaitSockets([bare.server], sockets, 30_000)}`);
  rows.push(perSocket('bare ws (the floor)', bareBefore, await fleet.memoryOf([bare.server])));
  await fleet.closeSockets();
  await bare.server.stop();

  const trpc = await fleet.startServer('trpc', 'trpc-floor');
  await warmUp(fleet, [trpc.server], targetsFor(trpc.url, 20), 'onEvent');
  const trpcBefore = await fleet.memoryOf([trpc.server]);
  await fleet.snapshot(trpc.server, 'trpc-floor-before');
  log(`tRPC floor: opening ${sockets} sockets`);
  await fleet.connect(targetsFor(trpc.url, sockets), PHASE.trpcFloor, true);
  log(`tRPC floor: held ${await fleet.awaitSockets([trpc.server], sockets, 30_000)}`);
  await fleet.awaitIdle([trpc.server], 30_000);
  rows.push(perSocket("tRPC's floor: adapter socket, no context", trpcBefore, await fleet.memoryOf([trpc.server])));
  await fleet.snapshot(trpc.server, 'trpc-floor-connected');
  log(`tRPC floor: ${await fleet.subscribe('onEvent')} idle subscriptions started`);
  await fleet.awaitIdle([trpc.server], 30_000);
  rows.push(perSocket("tRPC's floor: + an idle async-generator subscription", trpcBefore, await fleet.memoryOf([trpc.server])));
  await fleet.snapshot(trpc.server, 'trpc-floor-subscribed');
  await fleet.closeSockets();
  await trpc.server.stop();
  return rows;
}
