/**
 * The PostgreSQL store's tables, created or migrated when a store opens, one schema per ledger.
 * `schema_version` records each migration applied; opening a schema that a newer release has
 * migrated further is refused rather than guessed at.
 */
import type { PoolClient } from 'pg';
import { LedgerError } from '../domain/errors.js';

export const DEFAULT_SCHEMA = 'privacy_ledger';

/** Lower-case identifiers only: no quoting surprises, and room for the notification channel's name. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

export const checkSchemaName = (schema: string): void => {
  if (!SCHEMA_NAME.test(schema)) {
    throw new LedgerError('INVALID_INPUT', `"${schema}" is not a usable schema name: lower-case letters, digits and _, at most 40, not starting with a digit`, { schema });
  }
};

/** The channel appends notify on commit, and live subscriptions listen on. */
export const channelOf = (schema: string): string => `privacy_ledger_${schema}`;

interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: (schema: string) => string;
}

/**
 * Positions come from the single `positions` row, whose lock every append takes and keeps until
 * its transaction ends. So positions are handed out in commit order: a reader that sees a
 * position sees every lower one, and a catch-up reader never skips an event that commits late
 * (as it would with a sequence, whose numbers commit out of order). The function checks the
 * expected revision under that lock, so a check and its insert cannot be overtaken.
 */
const v1 = (s: string): string => `
  CREATE TABLE "${s}".events (
    position bigint PRIMARY KEY,
    id text NOT NULL,
    stream text NOT NULL,
    revision bigint NOT NULL,
    type text NOT NULL,
    data text NOT NULL,
    CONSTRAINT events_stream_revision_unique UNIQUE (stream, revision)
  );
  -- Ids are kept as written (the envelope inside repeats them) and unique whatever their case.
  CREATE UNIQUE INDEX events_id_unique ON "${s}".events (lower(id));
  CREATE TABLE "${s}".positions (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last bigint NOT NULL
  );
  INSERT INTO "${s}".positions (singleton, last) VALUES (true, 0);
  CREATE FUNCTION "${s}".append_events(p_stream text, p_expected text, p_ids text[], p_types text[], p_data text[])
    RETURNS TABLE (ok boolean, head bigint, last_position bigint)
    LANGUAGE plpgsql AS $fn$
  #variable_conflict use_column
  DECLARE
    v_last bigint;
    v_head bigint;
  BEGIN
    SELECT p.last INTO v_last FROM "${s}".positions p FOR UPDATE;
    SELECT e.revision INTO v_head FROM "${s}".events e WHERE e.stream = p_stream ORDER BY e.revision DESC LIMIT 1;
    IF NOT (p_expected = 'any'
        OR (p_expected = 'no_stream' AND v_head IS NULL)
        OR (p_expected = 'stream_exists' AND v_head IS NOT NULL)
        OR (p_expected ~ '^[0-9]{1,18}$' AND v_head IS NOT DISTINCT FROM p_expected::bigint)) THEN
      RETURN QUERY SELECT false, v_head, v_last;
      RETURN;
    END IF;
    INSERT INTO "${s}".events (position, id, stream, revision, type, data)
      SELECT v_last + t.n, t.id, p_stream, coalesce(v_head, -1) + t.n, t.type, t.data
      FROM unnest(p_ids, p_types, p_data) WITH ORDINALITY AS t(id, type, data, n);
    UPDATE "${s}".positions SET last = v_last + cardinality(p_ids);
    PERFORM pg_notify('${channelOf(s)}', '');
    RETURN QUERY SELECT true, coalesce(v_head, -1) + cardinality(p_ids), v_last + cardinality(p_ids);
  END
  $fn$;`;

export const MIGRATIONS: readonly Migration[] = [{ version: 1, description: 'events, the position allocator, append_events()', sql: v1 }];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings `schema` to SCHEMA_VERSION in one transaction, under an advisory lock so that stores
 * opening at once migrate it once. A schema that exists is not re-created, so a role without
 * CREATE on the database can use a schema made for it.
 */
export async function migrate(client: PoolClient, schema: string): Promise<void> {
  // READ COMMITTED whatever the server's default: after waiting for the lock, the next statement
  // must see the schema another store just created (a REPEATABLE READ snapshot predates the wait).
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('privacy-ledger schema ' || $1))", [schema]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".schema_version (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0)::int AS version FROM "${schema}".schema_version`);
    const current = rows[0]!.version;
    if (current > SCHEMA_VERSION) {
      throw new LedgerError('STORE_UNAVAILABLE', `schema ${schema} is at version ${current}, newer than this privacy-ledger knows (${SCHEMA_VERSION}): upgrade privacy-ledger`, {
        schema,
        schemaVersion: current,
        supported: SCHEMA_VERSION,
      });
    }
    for (const m of MIGRATIONS.filter((x) => x.version > current)) {
      await client.query(m.sql(schema));
      await client.query(`INSERT INTO "${schema}".schema_version (version, description) VALUES ($1, $2)`, [m.version, m.description]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
