import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { checkDatabase, createDatabase, migrateToLatest } from '@pms/db';
import { freshDatabase } from './support/database.js';
import { parseSettings } from '../src/env.js';
import { testEnv } from './support/server.js';

const SHARED_DATABASE = 'postgres://pms@db.internal:5432/pms';

describe('configuration', () => {
  it('names every bad variable in one message', () => {
    const bad = { PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', CORS_ORIGINS: 'not a url' };
    const message = (() => {
      try {
        testEnv(bad);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('PORT: must be a port number (0-65535)');
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(message).toContain('JWT_SECRET: must be at least 32 characters');
    expect(message).toContain('CORS_ORIGINS.0: each origin must be a URL');
  });

  it('bounds the database pool and its timeouts, with defaults', () => {
    expect(testEnv()).toMatchObject({
      DB_POOL_SIZE: 10,
      DB_POOL_ACQUIRE_TIMEOUT_MS: 5000,
      DB_STATEMENT_TIMEOUT_MS: 5000,
      DB_LOCK_TIMEOUT_MS: 3000,
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 10_000,
    });
    expect(() => testEnv({ DB_LOCK_TIMEOUT_MS: '0', DB_POOL_SIZE: 'many' })).toThrow(
      /DB_POOL_SIZE: must be a positive whole number\n {2}DB_LOCK_TIMEOUT_MS: must be a positive whole number/,
    );
  });

  it('requires JWT_SECRET in production when instances share a DATABASE_URL', () => {
    expect(() => testEnv({ NODE_ENV: 'production', JWT_SECRET: '', DATABASE_URL: SHARED_DATABASE })).toThrow(
      'JWT_SECRET: required in production with DATABASE_URL (all instances must share it)',
    );
  });

  it('runs `npm start` with no environment at all: production (no stacks), the embedded database, a kept secret', () => {
    const first = testEnv({ NODE_ENV: '', JWT_SECRET: '' });
    expect(first.NODE_ENV).toBe('production');
    expect(first.DATABASE_URL).toBeUndefined();
    expect(first.TRUST_PROXY).toBe(0);
    expect(testEnv({ NODE_ENV: '', JWT_SECRET: '', DATA_DIR: first.DATA_DIR }).JWT_SECRET).toBe(first.JWT_SECRET);
  });

  it('lets the db:* commands run against DATABASE_URL without a secret, which they never use', () => {
    expect(parseSettings({ DATABASE_URL: SHARED_DATABASE }).DATABASE_URL).toBe(SHARED_DATABASE);
  });

  it('generates and keeps a signing secret in the data directory', () => {
    const first = testEnv({ JWT_SECRET: '' });
    const second = testEnv({ JWT_SECRET: '', DATA_DIR: first.DATA_DIR });
    expect(first.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(second.JWT_SECRET).toBe(first.JWT_SECRET);
  });
});

describe('db:check', () => {
  it('finds every table and round-trips a notification without leaving it behind', async () => {
    const database = await freshDatabase();
    const db = createDatabase({ connectionString: database.url, max: 1 });
    try {
      const report = await checkDatabase(db);
      expect(report.ok).toBe(true);
      expect(report.lines).toContain('table notifications: ok');
      expect(report.lines.some((l) => l.startsWith('notification round trip: ok'))).toBe(true);
      expect(await db.selectFrom('notifications').select('id').execute()).toEqual([]);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe('migrations', () => {
  it('apply once when several instances start at the same moment', async () => {
    const database = await freshDatabase({ empty: true });
    const instances = [1, 2, 3].map(() => createDatabase({ connectionString: database.url, max: 1 }));
    try {
      const results = await Promise.all(instances.map((db) => migrateToLatest(db)));
      const applied = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success');
      const names = applied.map((r) => r.migrationName);
      expect(new Set(names).size).toBe(names.length); // no migration ran twice…
      const recorded = await instances[0]!.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).execute();
      expect(names.sort()).toEqual(recorded.map((r) => r.name).sort()); // …and every one ran once
      const report = await checkDatabase(instances[0]!);
      expect(report.ok).toBe(true);
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
      await database.drop();
    }
  });
});
