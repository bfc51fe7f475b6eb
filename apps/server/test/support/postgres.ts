/** PostgreSQL servers of a test's own, for suites that stop and restart one (never the shared server). */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminQuery, createDatabase, migrateToLatest, startEmbeddedPostgres, withDatabase, type EmbeddedServer } from '@pms/db';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A fresh data directory PostgreSQL may use, also when it runs as its own OS user (as root we are). */
export function postgresDataDir(): { dataDir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'pms-test-pg-'));
  chmodSync(parent, 0o755);
  return { dataDir: join(parent, 'data'), remove: () => rmSync(parent, { recursive: true, force: true }) };
}

export interface OwnPostgres {
  /** The admin URL (database `postgres`); it stays the same across restarts. */
  url: string;
  /** Fast shutdown, as `pg_ctl stop -m fast`: every backend is terminated (57P01), its transaction undone. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same data and port. */
  start(): Promise<void>;
  /** Stops the server if it runs and deletes its data. */
  destroy(): Promise<void>;
}

/** Creates database `pms` on the test's own server and migrates it; returns its URL. */
export async function migratedDatabase(postgres: OwnPostgres): Promise<string> {
  await adminQuery(postgres.url, 'create database pms');
  const databaseUrl = withDatabase(postgres.url, 'pms');
  const migrator = createDatabase({ connectionString: databaseUrl, max: 1 });
  await migrateToLatest(migrator);
  await migrator.destroy();
  return databaseUrl;
}

/** An embedded PostgreSQL for one test file, on a free port, with data that survives a restart. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const { dataDir, remove } = postgresDataDir();
  const port = await freePort();
  let server: EmbeddedServer | null = await startEmbeddedPostgres({ dataDir, port });
  const stop = async () => {
    await server?.stop();
    server = null;
  };
  return {
    url: server.url,
    stop,
    start: async () => {
      server ??= await startEmbeddedPostgres({ dataDir, port });
    },
    destroy: async () => {
      await stop();
      remove();
    },
  };
}
