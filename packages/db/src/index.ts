export * from './schema.js';
export { createDatabase, poolOf, queryPrepared, type ConnectionLimits, type DB, type DatabaseOptions } from './database.js';
export { migrateToLatest } from './migrate.js';
export { migrations } from './migrations/index.js';
export { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
export { insertGoalWithHistory } from './goals.js';
export { seedDemo, isEmpty, DEMO_USERS, DEMO_GOALS, DEMO_PASSWORD } from './seed.js';
export { checkDatabase } from './check.js';
export { adminQuery, withDatabase } from './admin.js';
