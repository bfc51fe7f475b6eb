/**
 * For a test that kills an instance mid-work: a seeded database of the file's own, the instance
 * to kill (a process of its own) and the one that survives it, all ended after the file.
 */
import { afterAll, beforeAll } from 'vitest';
import { hashPassword } from '@pms/api';
import { createDatabase, seedDemo, type DB } from '@pms/db';
import type { ChildServer } from './child-server.js';
import { freshDatabase } from './database.js';
import type { TestServer } from './server.js';

export interface CrashFixture {
  /** The database's URL, for the instances. */
  url: string;
  /** Direct access, for arranging and asserting. */
  db: DB;
  crashing: ChildServer | null;
  survivor: TestServer | null;
}

/** Call in a describe block (or at the top of a file): its fields are set once beforeAll ran. */
export function crashFixture(): CrashFixture {
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  const fixture = { crashing: null, survivor: null } as CrashFixture;
  beforeAll(async () => {
    database = await freshDatabase();
    fixture.url = database.url;
    fixture.db = createDatabase({ connectionString: database.url, max: 4 });
    await seedDemo(fixture.db, hashPassword);
  });
  afterAll(async () => {
    await fixture.crashing?.kill();
    await fixture.survivor?.close();
    await fixture.db?.destroy();
    await database?.drop();
  });
  return fixture;
}
