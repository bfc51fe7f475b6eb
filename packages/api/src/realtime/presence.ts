/**
 * Connection figures for every instance sharing the database. Each instance keeps one row of
 * `realtime_instances` current: rewritten within a second of a change, and at least every
 * HEARTBEAT_MS so that a row which stops moving marks an instance that is gone. Each write is
 * announced to every instance (CHANNELS.connections), which pushes live stats to administrators.
 */
import { sql } from 'kysely';
import type { DB } from '@pms/db';
import type { Logger } from '../ops/logger.js';
import { CHANNELS, notice } from './channels.js';
import type { ConnectionRegistry } from './connections.js';

const CHECK_MS = 1000;
const HEARTBEAT_MS = 10_000;
/** Rows not refreshed for this long belong to instances that stopped without saying so. */
const STALE_SECONDS = 30;

export class InstancePresence {
  #timer: NodeJS.Timeout | null = null;
  #reportedVersion = -1;
  #reportedAt = 0;
  #reporting: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DB,
    readonly instanceId: string,
    private readonly connections: ConnectionRegistry,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.db.deleteFrom('realtime_instances').where('reported_at', '<', sql<Date>`now() - interval '1 hour'`).execute();
    await this.report();
    this.#timer = setInterval(() => {
      const due = Date.now() - this.#reportedAt >= HEARTBEAT_MS;
      if (due || this.connections.version !== this.#reportedVersion) void this.report().catch((error: Error) => this.log.warn({ error: error.message }, 'realtime: reporting connection figures failed'));
    }, CHECK_MS).unref();
  }

  /** Writes this instance's current figures (one write at a time, in order). */
  report(): Promise<void> {
    this.#reporting = this.#reporting.catch(() => {}).then(() => this.#write());
    return this.#reporting;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#reporting.catch(() => {});
    await this.db
      .with('report', (db) => db.deleteFrom('realtime_instances').where('instance_id', '=', this.instanceId).returning('instance_id'))
      .selectFrom('report')
      .select(this.#announce())
      .execute();
  }

  /**
   * Says on `pms_connections_reported` that this row changed, in the statement that changes it
   * (one round trip): live stats (stats-feed.ts) read the figures again on each instance.
   */
  #announce() {
    return notice(CHANNELS.connections, { i: this.instanceId }).as('announced');
  }

  async #write(): Promise<void> {
    const version = this.connections.version;
    if (version === this.#reportedVersion && (await this.#touch())) return;
    const { sockets, users, subscriptions } = this.connections.stats();
    // One text parameter ('{1,2,…}'): node-postgres escapes an array element by element, which
    // held the event loop ~35 ms per report at 19,000 users.
    const userIds = sql<number[]>`${`{${this.connections.userIds().join(',')}}`}::integer[]`;
    const figures = { sockets, users, subscriptions, user_ids: userIds, reported_at: sql<Date>`now()` };
    await this.db
      .with('report', (db) =>
        db
          .insertInto('realtime_instances')
          .values({ instance_id: this.instanceId, ...figures })
          .onConflict((oc) => oc.column('instance_id').doUpdateSet(figures))
          .returning('instance_id'),
      )
      .selectFrom('report')
      .select(this.#announce())
      .execute();
    this.#reportedVersion = version;
    this.#reportedAt = Date.now();
  }

  /** Nothing changed since the last report: only say this instance is still alive. False when its row is gone. */
  async #touch(): Promise<boolean> {
    const touched = await this.db
      .with('report', (db) =>
        db.updateTable('realtime_instances').set({ reported_at: sql<Date>`now()` }).where('instance_id', '=', this.instanceId).returning('instance_id'),
      )
      .selectFrom('report')
      .select(this.#announce())
      .executeTakeFirst();
    if (!touched) return false;
    this.#reportedAt = Date.now();
    return true;
  }
}

/** Every live instance's figures, and totals counting a user connected to several instances once. */
export async function readConnectionStats(db: DB) {
  const live = sql<boolean>`reported_at > now() - make_interval(secs => ${STALE_SECONDS})`;
  const instances = await db
    .selectFrom('realtime_instances')
    .select(['instance_id as instanceId', 'sockets', 'users', 'subscriptions', 'started_at as startedAt', 'reported_at as reportedAt'])
    .where(live)
    .orderBy('instance_id')
    .execute();
  const { rows } = await sql<{ users: number }>`
    select count(distinct user_id) as users
    from realtime_instances, unnest(user_ids) as user_id
    where ${live}
  `.execute(db);
  return {
    instances,
    totals: {
      instances: instances.length,
      sockets: instances.reduce((sum, i) => sum + i.sockets, 0),
      users: rows[0]?.users ?? 0,
      subscriptions: instances.reduce((sum, i) => sum + i.subscriptions, 0),
    },
  };
}
