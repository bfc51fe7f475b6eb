import './no-eval.js'; // first: before any schema is built
export * from './enums.js';
export * from './inputs.js';
export * from './goals.js';
export * from './realtime.js';
export * from './idempotency.js';
export * from './notifications.js';
export * from './preferences.js';
export * from './admin.js';
export * from './quiet-hours.js';
export * from './api-keys.js';
export * from './publishing.js';
export * from './reports.js';
export * from './search.js';
