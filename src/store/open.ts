import { LedgerError } from '../domain/errors.js';
import type { EventStore } from './port.js';
import { sqliteStore } from './sqlite.js';

export const DEFAULT_LEDGER_PATH = './privacy-ledger.db';

/** Whether a `--ledger` value names an EventStoreDB server rather than a SQLite file. */
export const isEventStoreDBSpec = (spec: string): boolean => /^esdb(\+discover)?:\/\//.test(spec);

/**
 * Opens the store a `--ledger` value names: an `esdb://` or `esdb+discover://` connection
 * string for EventStoreDB, anything else a SQLite file path. `create: false` refuses a SQLite
 * path where no ledger exists (LEDGER_NOT_FOUND).
 */
export const openStore = async (spec: string = DEFAULT_LEDGER_PATH, options: { prefix?: string; create?: boolean } = {}): Promise<EventStore> => {
  if (isEventStoreDBSpec(spec)) {
    const { eventStoreDBStoreFromConnectionString } = await import('./eventstoredb.js');
    return eventStoreDBStoreFromConnectionString(spec, options.prefix === undefined ? {} : { prefix: options.prefix });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new LedgerError('INVALID_INPUT', `unsupported ledger "${spec}": give a SQLite file path or an esdb:// connection string`, { ledger: spec });
  }
  return sqliteStore(spec, options.create === undefined ? {} : { create: options.create });
};
