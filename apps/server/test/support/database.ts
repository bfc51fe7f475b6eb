import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { inject } from 'vitest';
import { adminQuery, withDatabase, type Database } from '@pms/db';
import { TEMPLATE_DATABASE } from './template.js';
import { until } from './until.js';

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
 * with `count`, that many); returns the pid of one of them. Lets a test hold a row lock and know
 * the transactions it means to block have reached it.
 */
export async function waitingForLock(db: Kysely<any>, pid?: number, count = 1): Promise<number> {
  const waiting = await until(async () => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and (${pid ?? null}::int is null or pid = ${pid ?? null})
    `.execute(db);
    return rows.length >= count && rows;
  }, `${count} backend(s)${pid === undefined ? '' : ` (pid ${pid})`} waited for a lock`);
  return waiting[0]!.pid;
}

/**
 * Locks user `userId`'s row until `release()`. It is their event stream's head: a call that tells
 * them of a change (creating their goal, say) waits for it inside its transaction.
 */
export async function lockUserRow(db: Kysely<Database>, userId: number): Promise<{ release(): Promise<void> }> {
  const holder = await db.startTransaction().execute();
  await holder.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  // A holder whose connection died (a restarted server) holds nothing any more: nothing to undo.
  return { release: () => holder.rollback().execute().catch(() => {}) };
}
