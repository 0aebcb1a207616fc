import { LedgerError } from '../domain/errors.js';
import type { EventStore } from './port.js';
import { parseConnectionString } from './redact.js';

export const DEFAULT_LEDGER_PATH = './privacy-ledger.db';

/** Whether a `--ledger` value names an EventStoreDB server rather than a SQLite file (the scheme in any case). */
export const isEventStoreDBSpec = (spec: string): boolean => /^esdb(\+discover)?$/.test(parseConnectionString(spec)?.scheme ?? '');

/** Whether a `--ledger` value names a PostgreSQL server: `postgres://…` or `postgresql://…`. */
export const isPostgresSpec = (spec: string): boolean => /^postgres(ql)?$/.test(parseConnectionString(spec)?.scheme ?? '');

/**
 * Loads the adapter a ledger needs, and only that one: each brings its own database client, and
 * the clients of PostgreSQL and EventStoreDB are optional packages an installation may leave out.
 */
async function loadAdapter<M>(load: () => Promise<M>, client: string, kind: string): Promise<M> {
  try {
    return await load();
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`'${client}'`)) {
      throw new LedgerError('INVALID_INPUT', `a ${kind} ledger needs the ${client} package: npm install ${client}`, { package: client });
    }
    throw error;
  }
}

/**
 * Opens the store a `--ledger` value names: an `esdb://` or `esdb+discover://` connection
 * string for EventStoreDB, a `postgres://` or `postgresql://` one for PostgreSQL (the schema from
 * `options.schema` or the string's `?schema=`), anything else a SQLite file path. A value with
 * another scheme is refused, shown without its credentials. `create: false` refuses a SQLite
 * path where no ledger exists (LEDGER_NOT_FOUND).
 */
export const openStore = async (spec: string = DEFAULT_LEDGER_PATH, options: { prefix?: string; schema?: string; create?: boolean } = {}): Promise<EventStore> => {
  if (isEventStoreDBSpec(spec)) {
    const { eventStoreDBStoreFromConnectionString } = await loadAdapter(() => import('./eventstoredb.js'), '@eventstore/db-client', 'esdb://');
    return eventStoreDBStoreFromConnectionString(spec, options.prefix === undefined ? {} : { prefix: options.prefix });
  }
  if (isPostgresSpec(spec)) {
    if (options.prefix !== undefined) {
      throw new LedgerError('INVALID_INPUT', 'a stream prefix is for EventStoreDB: a PostgreSQL ledger is a schema, named by ?schema= in its connection string', { prefix: options.prefix });
    }
    const { postgresStore } = await loadAdapter(() => import('./postgres.js'), 'pg', 'postgres://');
    return postgresStore(spec, options.schema === undefined ? {} : { schema: options.schema });
  }
  const parsed = parseConnectionString(spec);
  if (parsed !== undefined) {
    throw new LedgerError('INVALID_INPUT', `unsupported ledger "${parsed.redacted}": give a SQLite file path, an esdb:// or a postgres:// connection string`, { ledger: parsed.redacted });
  }
  const { sqliteStore } = await import('./sqlite.js');
  return sqliteStore(spec, options.create === undefined ? {} : { create: options.create });
};
