/**
 * Starts one PostgreSQL for the whole run — the embedded one, or TEST_DATABASE_URL's server —
 * and prepares a migrated template database that every test file clones (see database.ts).
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase, migrateToLatest, startEmbeddedPostgres, withDatabase } from '@pms/db';
import { freePort, postgresDataDir } from './postgres.js';
import { TEMPLATE_DATABASE } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const { dataDir } = postgresDataDir();
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    adminUrl = server.url;
    stop = () => server.stop();
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const { rows } = await admin.query<{ server_version: string }>('show server_version');
  console.log(`[tests] PostgreSQL ${rows[0]?.server_version} (${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded'})`);
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();

  const template = createDatabase({ connectionString: withDatabase(adminUrl, TEMPLATE_DATABASE), max: 1 });
  await migrateToLatest(template);
  await template.destroy();

  project.provide('postgresAdminUrl', adminUrl);
  return stop;
}
