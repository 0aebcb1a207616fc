import { memoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { postgresTestStore } from './postgres.js';

/**
 * The store the ledger's own suites (record, verify, queries, the runner) run on: memory, or a
 * fresh PostgreSQL schema when vitest's `ledger on postgres` project sets LEDGER_TEST_STORE.
 */
export const ledgerTestStore = (): EventStore => (process.env.LEDGER_TEST_STORE === 'postgres' ? postgresTestStore() : memoryStore());
