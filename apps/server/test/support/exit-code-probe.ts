/** Starts and stops an embedded PostgreSQL, then fails with exit code 3 (see embedded.test.ts). */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@pms/db';

const parent = mkdtempSync(join(tmpdir(), 'pms-exit-probe-'));
chmodSync(parent, 0o755);
const server = await startEmbeddedPostgres({ dataDir: join(parent, 'data'), port: Number(process.argv[2]), persistent: false });
await server.stop();
process.exitCode = 3;
