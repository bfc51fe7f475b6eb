import { randomBytes } from 'node:crypto';
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
