// privacy-ledger/sqlite: the embedded store, and the only entry point that loads better-sqlite3.
export { sqliteStore, type SqliteStoreOptions } from './store/sqlite.js';
export { sqliteKeyStore } from './store/sqlite-key-store.js';
