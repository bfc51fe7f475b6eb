/**
 * The real server under measurement: 1 or 2 processes of `createApp` on the bench database,
 * warmed up, and the sockets of the provisioned devices spread over them.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Child } from './children.js';
import type { Fleet } from './fleet.js';
import { log } from './log.js';
import { PHASE, warmUp } from './floors.js';
import type { SocketTarget } from './load-generator.js';
import type { BenchOptions } from './options.js';
import type { Device } from './provision.js';

export const SUBSCRIPTION_PATH = 'notifications.onEvent';
export const SESSION_TTL_HOURS = 12;

/** A user's devices go round the instances, so two instances exercise cross-instance fan-out. */
function socketTargets(devices: Device[], urls: string[], devicesPerUser: number): SocketTarget[] {
  return devices.map((device, index) => {
    const [user, device_] = [Math.floor(index / devicesPerUser), index % devicesPerUser];
    return { index, url: urls[(user + device_) % urls.length]!, token: device.token };
  });
}

/**
 * Starts the server process(es) and runs every code path once (connect, subscribe, close), so
 * that what is measured next already holds the compiled code. Returns one target per device.
 */
export async function startRealServers(fleet: Fleet, options: BenchOptions, databaseUrl: string, secret: string, devices: Device[]) {
  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: secret,
    SESSION_TTL_HOURS: String(SESSION_TTL_HOURS),
    MAX_SOCKETS_PER_USER: String(options.devicesPerUser + 1),
    DATA_DIR: join(tmpdir(), 'pms-bench-data'),
    WEB_DIST: join(tmpdir(), 'pms-bench-no-web'),
  };
  const instances = await Promise.all(
    Array.from({ length: options.instances }, (_, i) => fleet.startServer('pms', `server-${i}`, { ...serverEnv, INSTANCE_ID: `bench-${i}` })),
  );
  const servers = instances.map((s) => s.server);
  const targets = socketTargets(devices, instances.map((s) => s.url), options.devicesPerUser);
  await warmUp(fleet, servers, targets.slice(0, 20 * options.instances), SUBSCRIPTION_PATH);
  return { servers, targets };
}

/**
 * Connects `targets` (beside the sockets already held), waits until the servers hold `heldAfter`
 * in all, then subscribes the new sockets and waits until the servers are idle again.
 */
export async function connectAndSubscribe(fleet: Fleet, servers: Child[], targets: SocketTarget[], heldAfter: number) {
  log(`server: opening ${targets.length} authenticated sockets`);
  await fleet.connect(targets, PHASE.pms, true);
  const sockets = await fleet.awaitSockets(servers, heldAfter, 60_000);
  log(`server: holds ${sockets} authenticated sockets`);
  const subscribed = await fleet.subscribe(SUBSCRIPTION_PATH);
  log(`server: ${subscribed} subscriptions started`);
  await fleet.awaitIdle(servers, 120_000);
  return { sockets, subscribed };
}
