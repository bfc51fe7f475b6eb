import { Migrator, type MigrationResultSet } from 'kysely';
import type { DB } from './database.js';
import { migrations } from './migrations/index.js';

/** Applies pending migrations. Kysely's migrator takes a lock, so instances may start together. */
export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return result;
}
