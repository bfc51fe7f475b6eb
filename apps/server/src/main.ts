import { createApp } from './app.js';
import { prepareDatabase, resolveDatabase } from './database.js';
import { parseEnv } from './env.js';

const env = parseEnv();
const database = await resolveDatabase(env);
await prepareDatabase(env, database);
const app = await createApp(env, database.url);
const { port } = await app.listen();
console.log(`[server] ${env.INSTANCE_ID} serving the PMS on http://localhost:${port} (database: ${database.embedded ? 'embedded' : 'DATABASE_URL'})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[server] ${signal}: shutting down`);
  const force = setTimeout(() => process.exit(1), 10_000).unref();
  await app.close().catch((error) => console.error('[server] close failed:', error));
  await database.stop();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
