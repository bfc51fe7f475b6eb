/** Taking the realtime LISTEN connections of a test database down, and keeping them down. */
import { inject } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '@pms/api';
import { adminQuery } from '@pms/db';
import type { TestServer } from './server.js';
import { until } from './until.js';

/**
 * Terminates the LISTEN connection of every server on `servers[0]`'s database and refuses new
 * connections to that database until `end()` (the pools keep the connections they hold, so
 * calls still work). Resolves once every server knows its listener is down; `end()` resolves
 * once every listener is back.
 */
export async function listenerOutage(servers: TestServer[]): Promise<{ end(): Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
  const name = new URL(servers[0]!.databaseUrl).pathname.slice(1);
  await adminQuery(adminUrl, `alter database ${name} allow_connections false`);
  await adminQuery(
    adminUrl,
    `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and application_name = '${LISTENER_APPLICATION_NAME}'`,
  );
  const listeners = servers.map((server) => server.app.deps.realtime.listener);
  await until(() => listeners.every((listener) => !listener.listening), 'every listener lost its connection');
  return {
    async end() {
      await adminQuery(adminUrl, `alter database ${name} allow_connections true`);
      await until(() => listeners.every((listener) => listener.listening), 'every listener listened again', 30_000); // its backoff reaches 10 s
    },
  };
}
