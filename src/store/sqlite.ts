import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { LedgerError } from '../domain/errors.js';
import { canonicalAppend } from './event-ids.js';
import { checkBatch, checkExpected, duplicateEventId, paged, pollingSubscription, wrongRevision } from './shared.js';
import { unreadableData } from './port.js';
import type { PollingSubscription } from './shared.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  Position,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  Subscription,
} from './port.js';

export interface SqliteStoreOptions {
  /** FULL (default) survives power loss; NORMAL may lose the last commits, never corrupts. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another connection's lock before STORE_UNAVAILABLE. */
  readonly busyTimeoutMs?: number;
  /**
   * Default true: a missing file is created. False for readers: a mistyped path is refused
   * with LEDGER_NOT_FOUND instead of answering from a new, empty ledger.
   */
  readonly create?: boolean;
}

const PAGE_SIZE = 1000;
const INSERT_CHUNK = 25;
const POLL_INTERVAL_MS = 25;

// The (stream, revision) index doubles as the head lookup, so an append writes only its
// rows: no separate stream-position row to get out of step with them.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (stream, revision)
  )`;
const COLUMNS = 'position, id, stream, revision, type, data';
/** Below every SQLite integer key. */
const BEFORE_ANY_ROW = -(2n ** 63n);

/** One row of the events table, as better-sqlite3 returns it. */
export interface EventRow {
  readonly position: bigint;
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: string;
}

/** The embedded store: one SQLite file in WAL mode, safe to share between processes. */
export function sqliteStore(path: string, options: SqliteStoreOptions = {}): EventStore {
  const name = `sqlite:${path}`;
  const { db, sql } = openDatabase(path, name, options);
  const subscriptions = new Set<PollingSubscription>();
  let closed = false;

  const guard = <T>(work: () => T): T => {
    if (closed) throw new LedgerError('CLOSED', `${name} is closed`);
    try {
      return work();
    } catch (error) {
      throw storeError(error, name);
    }
  };

  const insert = insertBatch(sql);

  const appendManyRows = db.transaction((appends: readonly StreamAppend[], data: readonly (readonly string[])[]) =>
    appends.map((a, i) => {
      try {
        return insert(a.stream, a.events, data[i]!, a.expected);
      } catch (error) {
        throw new FailedAppend(i, error);
      }
    }),
  );

  // Group commit: the appends that arrive in one turn of the event loop share one transaction
  // (and so one fsync), each inside a savepoint of its own so that a refused one rolls back
  // alone. Every caller still hears back only once the whole group is durable.
  const group = db.transaction((requests: readonly GroupedAppend[]) =>
    requests.map((r): GroupOutcome => {
      try {
        return { results: appendManyRows(r.appends, r.data) };
      } catch (error) {
        return { error };
      }
    }),
  );
  let queued: (GroupedAppend & { resolve(r: AppendResult[]): void; reject(e: unknown): void })[] = [];

  const commitGroup = (): void => {
    const requests = queued;
    queued = [];
    let outcomes: GroupOutcome[];
    try {
      outcomes = guard(() => group.immediate(requests));
    } catch (error) {
      for (const r of requests) r.reject(error);
      return;
    }
    outcomes.forEach((o, i) => {
      const r = requests[i]!;
      if ('results' in o) return r.resolve(o.results);
      if (!(o.error instanceof FailedAppend)) return r.reject(storeError(o.error, name));
      const a = r.appends[o.error.index]!;
      r.reject(storeError(constraintError(o.error.cause, a.stream, a.events, a.expected, sql), name));
    });
    for (const sub of subscriptions) sub.wake();
  };

  const appendMany = (given: readonly StreamAppend[]): Promise<AppendResult[]> =>
    new Promise((resolve, reject) => {
      const appends = given.map(canonicalAppend);
      guard(() => checkBatch(appends));
      // Serialised before taking the write lock, so other writers wait only for the inserts.
      const data = appends.map((a) => a.events.map((e) => serialise(e, a.stream)));
      if (queued.length === 0) setImmediate(commitGroup);
      queued.push({ appends, data, resolve, reject });
    });

  const append = async (stream: string, events: readonly ProposedEvent[], expected: ExpectedRevision): Promise<AppendResult> =>
    (await appendMany([{ stream, events, expected }]))[0]!;

  const readStream = (stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> =>
    paged({
      start: options.fromRevision ?? 0n,
      maxCount: options.maxCount,
      fetch: (from: bigint, limit) => guard(() => sql.stream.all(stream, from, limit)).map(recorded),
      cursorAfter: (last) => last.revision + 1n,
    });

  /** From the very start by default: a row whose position was set to 0 or below is still read. */
  const rowsAfter = (after: Position, limit: number): RecordedEvent[] =>
    guard(() => (after === BEFORE_ANY_ROW ? sql.allFrom : sql.all).all(after, limit)).map(recorded);

  const readAll = (options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> =>
    paged({
      start: options.after ?? BEFORE_ANY_ROW,
      maxCount: options.maxCount,
      fetch: rowsAfter,
      cursorAfter: (last) => last.position,
    });

  const lastEvent = async (stream: string): Promise<RecordedEvent | undefined> => {
    const row = guard(() => sql.last.get(stream));
    return row === undefined ? undefined : recorded(row);
  };

  const subscribe = (options: { readonly after?: Position } = {}): Subscription => {
    // After close, the first poll's guard refuses with CLOSED.
    const sub = pollingSubscription({
      after: options.after ?? BEFORE_ANY_ROW,
      fetchAfter: (after) => rowsAfter(after, PAGE_SIZE),
      intervalMs: () => POLL_INTERVAL_MS,
      onEnd: () => subscriptions.delete(sub),
    });
    subscriptions.add(sub);
    return sub.subscription;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Open subscriptions end cleanly rather than failing their next poll.
    for (const s of [...subscriptions]) s.end();
    db.close();
  };

  const count = async (): Promise<number> => Number(guard(() => sql.count.get())!.n);

  return { name, densePositions: true, append, appendMany, readStream, lastEvent, readAll, count, subscribe, close };
}

/** The prepared statements one connection runs. */
interface Statements {
  readonly head: Database.Statement<[string], { revision: bigint }>;
  readonly insert: Database.Statement<[string, string, bigint, string, string]>;
  readonly insertChunk: Database.Statement<unknown[]>;
  readonly stream: Database.Statement<[string, bigint, number], EventRow>;
  readonly last: Database.Statement<[string], EventRow>;
  readonly all: Database.Statement<[bigint, number], EventRow>;
  readonly allFrom: Database.Statement<[bigint, number], EventRow>;
  readonly idStored: Database.Statement<[string], { stream: string }>;
  readonly count: Database.Statement<[], { n: bigint }>;
}

function prepareStatements(db: Database.Database): Statements {
  return {
    head: db.prepare<[string], { revision: bigint }>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
    insert: db.prepare<[string, string, bigint, string, string]>(
      'INSERT INTO events (id, stream, revision, type, data) VALUES (?, ?, ?, ?, ?)',
    ),
    // Rows INSERT_CHUNK at a time: one crossing into SQLite for many rows.
    insertChunk: db.prepare<unknown[]>(
      'INSERT INTO events (id, stream, revision, type, data) VALUES ' + Array(INSERT_CHUNK).fill('(?, ?, ?, ?, ?)').join(', '),
    ),
    stream: db.prepare<[string, bigint, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ),
    last: db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`),
    all: db.prepare<[bigint, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    allFrom: db.prepare<[bigint, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`),
    idStored: db.prepare<[string], { stream: string }>('SELECT stream FROM events WHERE id = ?'),
    count: db.prepare<[], { n: bigint }>('SELECT count(*) AS n FROM events'),
  };
}

interface GroupedAppend {
  readonly appends: readonly StreamAppend[];
  readonly data: readonly (readonly string[])[];
}

type GroupOutcome = { readonly results: AppendResult[] } | { readonly error: unknown };

/** Which append of an appendMany failed, carried out of the transaction that rolled back. */
class FailedAppend extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(`append ${index} failed`);
  }
}

/** The body of the append transaction: check the head, then insert; a refusal writes nothing. */
const insertBatch =
  (sql: Statements) =>
  (stream: string, events: readonly ProposedEvent[], data: readonly string[], expected: ExpectedRevision): AppendResult => {
    const head = sql.head.get(stream)?.revision;
    checkExpected(stream, expected, head);
    let revision = head === undefined ? 0n : head + 1n;
    let position = 0n;
    let i = 0;
    for (; i + INSERT_CHUNK <= events.length; i += INSERT_CHUNK) {
      const params: unknown[] = [];
      for (let k = i; k < i + INSERT_CHUNK; k++) params.push(events[k]!.id, stream, revision++, events[k]!.type, data[k]!);
      position = sql.insertChunk.run(params).lastInsertRowid as bigint;
    }
    for (; i < events.length; i += 1) {
      const e = events[i]!;
      position = sql.insert.run(e.id, stream, revision, e.type, data[i]!).lastInsertRowid as bigint;
      revision += 1n;
    }
    return { nextRevision: revision - 1n, position };
  };

function openDatabase(path: string, name: string, options: SqliteStoreOptions): { db: Database.Database; sql: Statements } {
  if (options.create === false && (path === ':memory:' || !existsSync(path))) {
    throw new LedgerError('LEDGER_NOT_FOUND', `no ledger at ${path}: check the path (only writing commands create a ledger)`, { ledger: path });
  }
  try {
    const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000, fileMustExist: options.create === false });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      db.defaultSafeIntegers(true);
      db.exec(SCHEMA);
      return { db, sql: prepareStatements(db) };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    throw storeError(error, name);
  }
}

const serialise = (e: ProposedEvent, stream: string): string => {
  if (e.json !== undefined) return e.json;
  try {
    return JSON.stringify(e.data);
  } catch (error) {
    throw new LedgerError('INVALID_INPUT', `event ${e.id} for ${stream} has data that is not JSON: ${String(error)}`, { id: e.id, stream });
  }
};

/** A row as an event; bytes that are not JSON come back as UnreadableData, so a read never stops at them. */
export function recorded(row: EventRow): RecordedEvent {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch (error) {
    data = unreadableData(`not JSON: ${(error as Error).message}`);
  }
  return { id: row.id, type: row.type, stream: row.stream, revision: row.revision, position: row.position, data, text: row.data };
}

/** Names what a unique constraint refused; the lookups run only on this failure path. */
function constraintError(
  error: unknown,
  stream: string,
  events: readonly ProposedEvent[],
  expected: ExpectedRevision,
  sql: Statements,
): unknown {
  if (!(error instanceof Database.SqliteError) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') return error;
  if (error.message.includes('events.id')) {
    return duplicateEventId(duplicateId(events, (candidate) => sql.idStored.get(candidate) !== undefined), stream);
  }
  // (stream, revision) taken: another writer got there first despite the lock.
  return wrongRevision(stream, expected, sql.head.get(stream)?.revision ?? 'no_stream');
}

function duplicateId(events: readonly ProposedEvent[], isStored: (id: string) => boolean): string | undefined {
  const seen = new Set<string>();
  for (const { id } of events) {
    if (seen.has(id) || isStored(id)) return id;
    seen.add(id);
  }
  return undefined;
}

function storeError(error: unknown, name: string): unknown {
  if (error instanceof LedgerError) return error;
  if (error instanceof Database.SqliteError) {
    const code = error.code;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new LedgerError('STORE_UNAVAILABLE', `${name} stayed locked by another connection past the busy timeout`, { sqliteCode: code });
    }
    if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC') {
      // The transaction rolled back: nothing of the append is in the file.
      return new LedgerError('STORE_UNAVAILABLE', `${name}: the disk is full or failing (${code}); nothing of this append was written. Free space and retry`, {
        sqliteCode: code,
        diskFull: code === 'SQLITE_FULL',
      });
    }
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      return new LedgerError('STORE_CORRUPT', `${name} is not a sound SQLite database: ${error.message}`, { sqliteCode: code });
    }
    return new LedgerError('STORE_UNAVAILABLE', `${name} failed: ${error.message}`, { sqliteCode: code });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LedgerError('STORE_UNAVAILABLE', `${name} failed: ${message}`);
}
