/** `npm run db:migrate | db:seed | db:check` against DATABASE_URL or the embedded database. */
import { checkDatabase, createDatabase, migrateToLatest, seedDemo, seedDemoHistory } from '@pms/db';
import { hashPassword } from '@pms/api';
import { resolveDatabase } from './database.js';
import { parseSettings } from './env.js';

const command = process.argv[2];
if (!['migrate', 'seed', 'check'].includes(command ?? '')) {
  console.error('usage: cli.ts migrate | seed | check');
  process.exit(2);
}
const database = await resolveDatabase(parseSettings());
const db = createDatabase({ connectionString: database.url, max: 2 });
let exitCode = 0;
try {
  const { results = [] } = await migrateToLatest(db);
  for (const r of results) console.log(`migration ${r.migrationName}: ${r.status}`);
  if (command === 'migrate') console.log('migrations: up to date');
  if (command === 'seed') {
    console.log(`demo seed: ${await seedDemo(db, hashPassword)} users created`);
    console.log(`demo history: ${(await seedDemoHistory(db)) ? 'added' : 'already there'}`);
  }
  if (command === 'check') {
    const report = await checkDatabase(db);
    for (const line of report.lines) console.log(line);
    console.log(report.ok ? 'database check: OK' : 'database check: FAILED');
    exitCode = report.ok ? 0 : 1;
  }
} finally {
  await db.destroy();
  await database.stop();
}
process.exit(exitCode);
