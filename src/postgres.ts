// privacy-ledger/postgres: the PostgreSQL store, and the only entry point that loads pg.
export { postgresStore, type PostgresStoreOptions } from './store/postgres.js';
export { DEFAULT_SCHEMA, SCHEMA_VERSION } from './store/postgres-schema.js';
