import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { postgresStore, type PostgresStoreOptions } from '../../src/store/postgres.js';
import type { EventStore } from '../../src/store/port.js';

/** The server under test: PGURL's, or the throwaway cluster of test/setup/postgres.ts. */
export const postgresUnderTest = () => inject('postgres');

/** A schema name no other test uses. */
export const freshSchema = (): string => `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

const schemas = new Set<string>();
const stores = new Set<EventStore>();

/** A store on a fresh schema of the server under test; the file's stores close and their schemas go after its tests. */
export const postgresTestStore = (options: PostgresStoreOptions = {}): EventStore => {
  const schema = options.schema ?? freshSchema();
  schemas.add(schema);
  const store = postgresStore(postgresUnderTest().url, { poolSize: 4, ...options, schema });
  stores.add(store);
  return store;
};

afterAll(async () => {
  await Promise.all([...stores].map((s) => s.close()));
  stores.clear();
  if (schemas.size === 0) return;
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  schemas.clear();
});

/** A plain connection to the server under test, for what a test does behind the store's back. */
export async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUnderTest().url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether this run may restart the server: only the throwaway cluster, never a PGURL server. */
export const canRestart = (): boolean => postgresUnderTest().dir !== undefined;

/** Restarts the throwaway cluster (`fast`: clean shutdown; `immediate`: a crash, recovered from the WAL). */
export const restartServer = (mode: 'fast' | 'immediate' = 'fast'): void => {
  const { dir, script } = postgresUnderTest();
  const r = spawnSync('bash', [script, 'restart', dir!, mode], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`restart failed: ${r.stderr}`);
};
