import { LedgerError } from '../domain/errors.js';
import type { EventStore } from './port.js';
import { parseConnectionString } from './redact.js';
import { sqliteStore } from './sqlite.js';

export const DEFAULT_LEDGER_PATH = './privacy-ledger.db';

/** Whether a `--ledger` value names an EventStoreDB server rather than a SQLite file (the scheme in any case). */
export const isEventStoreDBSpec = (spec: string): boolean => /^esdb(\+discover)?$/.test(parseConnectionString(spec)?.scheme ?? '');

/**
 * Opens the store a `--ledger` value names: an `esdb://` or `esdb+discover://` connection
 * string for EventStoreDB, anything else a SQLite file path. A value with another scheme is
 * refused, shown without its credentials.
 */
export const openStore = async (spec: string = DEFAULT_LEDGER_PATH, options: { prefix?: string } = {}): Promise<EventStore> => {
  if (isEventStoreDBSpec(spec)) {
    const { eventStoreDBStoreFromConnectionString } = await import('./eventstoredb.js');
    return eventStoreDBStoreFromConnectionString(spec, options);
  }
  const parsed = parseConnectionString(spec);
  if (parsed !== undefined) {
    throw new LedgerError('INVALID_INPUT', `unsupported ledger "${parsed.redacted}": give a SQLite file path or an esdb:// connection string`, { ledger: parsed.redacted });
  }
  return sqliteStore(spec);
};
