import Database from 'better-sqlite3';
import { closeSync, existsSync, fchmodSync, fstatSync, openSync } from 'node:fs';
import { LedgerError } from '../domain/errors.js';
import { newKey, type DataKey, type KeyStore } from './key-store.js';
import { sqliteKeyWriter, type KeyRow } from './sqlite-key-writer.js';

// WAL with FULL sync (one fsync a commit, so a key is on disk before any ciphertext under it is),
// secure_delete so freed cells are zeroed in place, and after every destruction a TRUNCATE
// checkpoint, so the WAL's older copies of the destroyed key's page are gone too.
const PRAGMAS = ['journal_mode = WAL', 'secure_delete = ON', 'synchronous = FULL'];
const CHECKPOINT_TRIES = 50;
const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS ledger_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL)',
  'CREATE TABLE IF NOT EXISTS data_keys (seq INTEGER PRIMARY KEY, key_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, key BLOB NOT NULL)',
  'CREATE INDEX IF NOT EXISTS data_keys_subject ON data_keys (subject, seq)',
];

/** Creates the file 0600 (or checks an existing one is not readable by group or others) before SQLite opens it. */
const guardFile = (path: string): void => {
  const fresh = !existsSync(path);
  const fd = openSync(path, 'a', 0o600);
  try {
    if (fresh) fchmodSync(fd, 0o600);
    const mode = fstatSync(fd).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      const shown = (mode & 0o777).toString(8).padStart(4, '0');
      throw new LedgerError('KEY_INVALID', `key store ${path} is readable by group or others (mode ${shown}): it is refused; run chmod 600 ${path}`, { path, mode: shown });
    }
  } finally {
    closeSync(fd);
  }
};

const asKey = (r: KeyRow): DataKey => ({ keyId: r.key_id, subject: r.subject, key: Uint8Array.from(r.key), ...(r.created ? { created: true as const } : {}) });

/** The default key store: a SQLite file of its own, mode 0600, apart from the event store. */
export const sqliteKeyStore = (path: string): KeyStore => {
  const name = `sqlite-keys:${path}`;
  let db: Database.Database;
  try {
    guardFile(path);
    db = new Database(path);
    for (const p of PRAGMAS) db.pragma(p);
    for (const s of SCHEMA) db.exec(s);
  } catch (e) {
    if (e instanceof LedgerError) throw e;
    throw new LedgerError('STORE_UNAVAILABLE', `${name}: cannot open the key store: ${(e as Error).message}`, { path });
  }
  const sql = {
    secret: db.prepare<[], { secret: Buffer }>('SELECT secret FROM ledger_secret WHERE id = 1'),
    putSecret: db.prepare<[Buffer]>('INSERT OR IGNORE INTO ledger_secret (id, secret) VALUES (1, ?)'),
    current: db.prepare<[string], KeyRow>('SELECT key_id, subject, key FROM data_keys WHERE subject = ? ORDER BY seq DESC LIMIT 1'),
    ofSubject: db.prepare<[string], { key_id: string }>('SELECT key_id FROM data_keys WHERE subject = ? ORDER BY seq'),
    byId: db.prepare<[string], KeyRow>('SELECT key_id, subject, key FROM data_keys WHERE key_id = ?'),
    remove: db.prepare<[string]>('DELETE FROM data_keys WHERE key_id = ?'),
  };
  let closed = false;
  const guard = <T>(work: () => T): T => {
    if (closed) throw new LedgerError('CLOSED', `${name} is closed`);
    try {
      return work();
    } catch (e) {
      if (e instanceof LedgerError) throw e;
      throw new LedgerError('STORE_UNAVAILABLE', `${name}: ${(e as Error).message}`, { path });
    }
  };
  const secretOnce = db.transaction(() => {
    sql.putSecret.run(Buffer.from(newKey()));
    return sql.secret.get()!.secret;
  });
  const removeAll = db.transaction((ids: readonly string[]) => {
    for (const id of ids) sql.remove.run(id);
  });
  let secret: Uint8Array | undefined;
  // New keys are made on a thread of its own: its commit's fsync does not hold up the event loop.
  const writer = sqliteKeyWriter(path, PRAGMAS, (message) => new LedgerError('STORE_UNAVAILABLE', `${name}: ${message}`, { path }));
  /** Folds the WAL into the file and empties it: no older page with a destroyed key is left in it. */
  const truncateWal = async (): Promise<void> => {
    for (let i = 0; i < CHECKPOINT_TRIES; i++) {
      const [r] = guard(() => db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]);
      if (r?.busy === 0) return;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new LedgerError('STORE_UNAVAILABLE', `${name}: the keys are deleted, but another connection holds the key store's WAL, where older copies of their pages stay until it lets go; close it and run the erasure again`, { path });
  };
  return {
    name,
    async ledgerSecret() {
      return (secret ??= guard(() => Uint8Array.from(sql.secret.get()?.secret ?? secretOnce.immediate())));
    },
    async currentKeys(subjects, create) {
      const rows = create ? await guard(() => writer.currentOrNew(subjects)) : guard(() => subjects.map((s) => sql.current.get(s)));
      return new Map(rows.filter((r): r is KeyRow => r !== undefined).map((r) => [r.subject, asKey(r)]));
    },
    async keyIdsOf(subject) {
      return guard(() => sql.ofSubject.all(subject).map((r) => r.key_id));
    },
    async keyById(keyId) {
      const row = guard(() => sql.byId.get(keyId));
      return row === undefined ? undefined : asKey(row);
    },
    async destroy(keyIds) {
      if (keyIds.length === 0) return;
      guard(() => removeAll.immediate(keyIds));
      await truncateWal();
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.close();
      db.close();
    },
  };
};
