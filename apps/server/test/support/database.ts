import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { inject } from 'vitest';
import { adminQuery, withDatabase } from '@pms/db';
import { TEMPLATE_DATABASE } from './template.js';

/**
 * A new database for one test file, cloned from the migrated template (or, with `empty`, with no
 * schema at all); dropped by the returned function.
 */
export async function freshDatabase({ empty = false } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `pms_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name} template ${empty ? 'template0' : TEMPLATE_DATABASE}`);
  return {
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

/**
 * Resolves once a backend of `db`'s database waits for a lock: the one with `pid`, or any (or,
 * with `count`, that many). Lets a test hold a row lock and know the transactions it means to
 * block have reached it.
 */
export async function waitingForLock(db: Kysely<any>, pid?: number, count = 1): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and (${pid ?? null}::int is null or pid = ${pid ?? null})
    `.execute(db);
    if (rows[0]!.waiting >= count) return;
    await sleep(10);
  }
}
