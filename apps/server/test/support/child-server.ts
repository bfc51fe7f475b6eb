/** A second server instance in its own process, as production runs them: `node --import tsx apps/server/src/main.ts`. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEST_JWT_SECRET } from './server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
// tsx as a loader in the one process, not its CLI (which runs the server in a child of its own):
// a signal then reaches the server itself, SIGKILL included.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildServer {
  url: string;
  instanceId: string;
  /** Everything the process wrote to stdout and stderr so far (all of it once `close` resolved). */
  output(): string;
  close(): Promise<void>;
  /** Ends the process at once (SIGKILL), as a crash would: nothing is closed or finished. */
  kill(): Promise<void>;
}

/** Starts an instance on an existing database and resolves once it listens; `env` adds or overrides variables. */
export async function startChildServer(databaseUrl: string, instanceId: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', tsxLoader, 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      // Info, for the "serving the PMS on …" line awaited below.
      LOG_LEVEL: 'info',
      JWT_SECRET: TEST_JWT_SECRET,
      INSTANCE_ID: instanceId,
      SEED_DEMO: 'never',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'pms-test-child-')),
      WEB_DIST: join(tmpdir(), 'pms-no-web'),
      ...env,
    },
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = output.match(/serving the PMS on http:\/\/localhost:(\d+)/)?.[1];
      if (port) resolveUrl(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}:\n${output}`)));
  });
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = once(child, 'close'); // after 'exit', once stdout and stderr are drained
    child.kill(signal);
    await closed;
  };
  return {
    url,
    instanceId,
    output: () => output,
    close: () => stop('SIGTERM'),
    kill: () => stop('SIGKILL'),
  };
}
