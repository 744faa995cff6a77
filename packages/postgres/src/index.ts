export { type PostgresConnection, PostgresError } from './connection.js';
export { type PostgresOptions, postgres } from './postgres.js';
export { SCHEMA_VERSION } from './schema.js';
export { type PostgresStoreOptions, postgresStore } from './store.js';
export { jobUuid, type PostgresQueueOptions } from './queue.js';
