/**
 * The benchmark's own database and accounts: a fresh `pms_bench_<random>` database, migrated,
 * with users and sessions inserted in bulk and tokens signed locally. Nobody logs in, so no
 * password is ever hashed per user: one precomputed hash serves them all.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { hashPassword, SessionTokens } from '@pms/api';
import { adminQuery, createDatabase, migrateToLatest, withDatabase, type DB } from '@pms/db';

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Drops the database once its connections are gone (a pool's `end()` resolves before its
 * connections have closed; forcing them meanwhile makes every one of them log an error), or
 * after 5 s regardless.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0]?.n === 0) break;
      await sleep(100);
    }
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

/** The names createBenchDatabase gives: nothing else is taken for one. */
const BENCH_DATABASE_NAME = /^pms_bench_[0-9a-f]{8}$/;

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `pms_bench_${randomBytes(4).toString('hex')}`; // what BENCH_DATABASE_NAME matches
  await adminQuery(adminUrl, `create database ${name}`);
  const database = {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => dropDatabase(adminUrl, name),
  };
  const db = createDatabase({ connectionString: database.url, max: 1 });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await database.drop();
    throw error;
  } finally {
    await db.destroy();
  }
  return database;
}

/** A database an earlier run created (and kept): used as it is, and kept again. */
export function reuseBenchDatabase(adminUrl: string, name: string): BenchDatabase {
  if (!BENCH_DATABASE_NAME.test(name)) throw new Error(`expected the name of a kept bench database (pms_bench_…), not ${name}`);
  return { url: withDatabase(adminUrl, name), name, drop: async () => {} };
}

export interface Device {
  userId: number;
  token: string;
}

const INSERT_CHUNK = 5_000;

/** `users` users sharing one password hash; returns their ids in ascending order. */
export async function provisionUsers(db: DB, users: number): Promise<number[]> {
  const passwordHash = await hashPassword(randomBytes(16).toString('hex'));
  const { rows } = await sql<{ id: number }>`
    insert into users (email, name, password_hash)
    select 'bench-' || n || '@bench.pms', 'Bench user ' || n, ${passwordHash}
    from generate_series(1, ${users}) as n
    returning id`.execute(db);
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/**
 * `users` users with `devicesPerUser` sessions each (one session per socket, as separate
 * devices would have). Returns the devices user by user: devices[u * devicesPerUser + d].
 */
export async function provisionDevices(
  db: DB,
  tokens: SessionTokens,
  users: number,
  devicesPerUser: number,
): Promise<Device[]> {
  const userIds = await provisionUsers(db, users);

  const expiresAt = new Date(Date.now() + tokens.ttlSeconds * 1000);
  const sessions = userIds.flatMap((userId) => Array.from({ length: devicesPerUser }, () => ({ id: randomUUID(), userId })));
  for (let start = 0; start < sessions.length; start += INSERT_CHUNK) {
    const chunk = sessions.slice(start, start + INSERT_CHUNK);
    await sql`
      insert into sessions (id, user_id, expires_at)
      select id, user_id, ${expiresAt} from unnest(${chunk.map((s) => s.id)}::uuid[], ${chunk.map((s) => s.userId)}::int[]) as s(id, user_id)`.execute(db);
  }
  const devices: Device[] = [];
  for (const session of sessions) {
    devices.push({ userId: session.userId, token: await tokens.sign(session.userId, session.id, expiresAt) });
  }
  return devices;
}
