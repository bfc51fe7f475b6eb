/**
 * Where new subscriptions start is read in batches (Realtime.streamHeads): a reconnect storm costs
 * one query per 1,000 subscriptions instead of one each, so it never queues thousands of calls for
 * the pool, whose acquire timeout would fail them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BatchedReads } from '../src/lib/batched-reads.js';
import { readStreamHead, readStreamHeads } from '../src/realtime/stored-events.js';
import { hashPassword } from '../src/auth/password.js';
import { adminQuery, createDatabase, migrateToLatest, seedDemo, withDatabase, type DB } from '@pms/db';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

const adminUrl = inject('postgresAdminUrl');
const name = `pms_test_${randomBytes(6).toString('hex')}`;
let db: DB;
let userIds: number[];

beforeAll(async () => {
  await adminQuery(adminUrl, `create database ${name}`);
  db = createDatabase({ connectionString: withDatabase(adminUrl, name), max: 2 });
  await migrateToLatest(db);
  await seedDemo(db, hashPassword);
  // Give every stream a different head.
  const users = await db.selectFrom('users').select('id').orderBy('id').execute();
  userIds = users.map((u) => u.id);
  for (const [index, id] of userIds.entries()) await db.updateTable('users').set({ last_event_seq: 10 * index + 1 }).where('id', '=', id).execute();
});
afterAll(async () => {
  await db.destroy();
  await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
});

describe('stream heads for many subscriptions', () => {
  it('are read in a few statements of at most maxKeys users, each answer the same as a read of its own', async () => {
    const statements: number[][] = [];
    const heads = new BatchedReads<number, number>((ids) => {
      statements.push(ids);
      return readStreamHeads(db, ids);
    }, 3);
    const unknown = 2_000_000_000;
    const asked = Array.from({ length: 2_500 }, (_, i) => (i % 10 === 9 ? unknown : userIds[i % userIds.length]!));
    const answers = await Promise.all(asked.map((id) => heads.read(id)));

    const expected = new Map(await Promise.all(userIds.map(async (id) => [id, await readStreamHead(db, id)] as const)));
    expect(answers).toEqual(asked.map((id) => expected.get(id)));
    expect(answers.filter((head) => head === undefined)).toHaveLength(250);
    // 2,500 requests for 8 distinct users: ceil(8 / 3) statements, none with more than 3 users.
    expect(statements).toHaveLength(Math.ceil((userIds.length + 1) / 3));
    expect(Math.max(...statements.map((ids) => ids.length))).toBe(3);
  });

  it('fail only the requests of a failed statement; the next ones are read again', async () => {
    let failNext = true;
    const heads = new BatchedReads<number, number>((ids) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('connection lost'));
      }
      return readStreamHeads(db, ids);
    });
    const first = await Promise.allSettled([heads.read(userIds[0]!), heads.read(userIds[1]!)]);
    expect(first.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await heads.read(userIds[1]!)).toBe(await readStreamHead(db, userIds[1]!));
  });
});
