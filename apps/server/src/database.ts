import { join } from 'node:path';
import { createDatabase, isEmpty, migrateToLatest, seedDemo, seedDemoHistory, startEmbeddedPostgres } from '@pms/db';
import { hashPassword, type Logger } from '@pms/api';
import type { Settings } from './env.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR. */
export async function resolveDatabase(env: Settings): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({ dataDir: join(env.DATA_DIR, 'pg'), port: env.EMBEDDED_PG_PORT });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/** Migrates, then seeds the demo organisation into an empty embedded database (or when asked). */
export async function prepareDatabase(env: Settings, database: ResolvedDatabase, log: Logger): Promise<void> {
  const db = createDatabase({ connectionString: database.url, max: 2 });
  try {
    const { results = [] } = await migrateToLatest(db);
    for (const r of results) log.info({ migration: r.migrationName, status: r.status }, 'db: migration');
    const seed = env.SEED_DEMO === 'always' || (env.SEED_DEMO === 'auto' && database.embedded && (await isEmpty(db)));
    if (seed) {
      log.info({ users: await seedDemo(db, hashPassword) }, 'db: demo organisation seeded');
      // Weeks of backdated activity for the reports (tests seed without it).
      log.info({ added: await seedDemoHistory(db) }, 'db: demo history');
    }
  } finally {
    await db.destroy();
  }
}
