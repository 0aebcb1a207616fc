import Database from 'better-sqlite3';
import { LedgerError } from '../domain/errors.js';
import { canonicalAppend } from './event-ids.js';
import { checkExpected } from './expected.js';
import { unreadableData } from './port.js';
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
  const subscriptions = new Set<{ end(): void; wake(): void }>();
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

  const readStream = (stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> => {
    const page = (from: bigint, limit: number) => guard(() => sql.stream.all(stream, from, limit));
    return paged(options.fromRevision ?? 0n, options.maxCount, page, (row) => row.revision + 1n);
  };

  const readAll = (options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> => {
    const page = (after: Position, limit: number) => guard(() => sql.all.all(after, limit));
    return paged(options.after ?? 0n, options.maxCount, page, (row) => row.position);
  };

  const lastEvent = async (stream: string): Promise<RecordedEvent | undefined> => {
    const row = guard(() => sql.last.get(stream));
    return row === undefined ? undefined : recorded(row);
  };

  const subscribe = (options: { readonly after?: Position } = {}): Subscription => {
    // After close, the first poll's guard refuses with CLOSED.
    const fetchAfter = (after: Position) => guard(() => sql.all.all(after, PAGE_SIZE)).map((row) => recorded(row));
    const sub = pollingSubscription(options.after ?? 0n, fetchAfter, () => subscriptions.delete(sub));
    subscriptions.add(sub);
    return { [Symbol.asyncIterator]: sub.iterator, close: async () => sub.end() };
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Open subscriptions end cleanly rather than failing their next poll.
    for (const s of [...subscriptions]) s.end();
    db.close();
  };

  return { name, append, appendMany, readStream, lastEvent, readAll, subscribe, close };
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
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
    idStored: db.prepare<[string], { stream: string }>('SELECT stream FROM events WHERE id = ?'),
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

/** Refuses an empty append, and an id repeated across the appends of one call, before any lock is taken. */
function checkBatch(appends: readonly StreamAppend[]): void {
  const seen = new Set<string>();
  for (const a of appends) {
    if (a.events.length === 0) throw new LedgerError('INVALID_INPUT', `nothing to append to ${a.stream}: the batch is empty`, { stream: a.stream });
    for (const { id } of a.events) {
      if (seen.has(id)) throw new LedgerError('DUPLICATE_EVENT_ID', `event id ${id} appears twice in one append; nothing was appended to ${a.stream}`, { id, stream: a.stream });
      seen.add(id);
    }
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

/** Reads PAGE_SIZE rows per query, so even a million-event read holds one page at a time. */
async function* paged<C>(
  start: C,
  maxCount: number | undefined,
  fetch: (cursor: C, limit: number) => EventRow[],
  cursorAfter: (row: EventRow) => C,
): AsyncGenerator<RecordedEvent> {
  let cursor = start;
  let remaining = maxCount ?? Infinity;
  while (remaining > 0) {
    const limit = Math.min(PAGE_SIZE, remaining);
    const rows = fetch(cursor, limit);
    for (const row of rows) yield recorded(row);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < limit) return;
    remaining -= rows.length;
    cursor = cursorAfter(last);
  }
}

function openDatabase(path: string, name: string, options: SqliteStoreOptions): { db: Database.Database; sql: Statements } {
  try {
    const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
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
    const id = duplicateId(events, (candidate) => sql.idStored.get(candidate) !== undefined);
    return new LedgerError('DUPLICATE_EVENT_ID', `event id ${id ?? '(unknown)'} is already stored; nothing was appended to ${stream}`, {
      id,
      stream,
    });
  }
  // (stream, revision) taken: another writer got there first despite the lock.
  const actual = sql.head.get(stream)?.revision ?? 'no_stream';
  return new LedgerError('WRONG_EXPECTED_REVISION', `stream ${stream} is at ${String(actual)}, not ${String(expected)}`, {
    stream,
    expected,
    actual,
  });
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

/**
 * Catch-up then live, by polling: other processes may write the file, so a local append
 * only shortens the wait; it is never the only way to learn of new events.
 */
function pollingSubscription(after: Position, fetchAfter: (position: Position) => RecordedEvent[], onEnd: () => void) {
  let position = after;
  let page: RecordedEvent[] = [];
  let index = 0;
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let resume: (() => void) | undefined;

  const wake = (): void => {
    clearTimeout(timer);
    resume?.();
  };
  const end = (): void => {
    ended = true;
    onEnd();
    wake();
  };
  const next = async (): Promise<IteratorResult<RecordedEvent>> => {
    for (;;) {
      if (ended) return { done: true, value: undefined };
      const e = page[index];
      if (e !== undefined) {
        index += 1;
        return { done: false, value: e };
      }
      page = fetchAfter(position);
      index = 0;
      const last = page[page.length - 1];
      if (last !== undefined) position = last.position;
      else await new Promise<void>((r) => ((resume = r), (timer = setTimeout(r, POLL_INTERVAL_MS))));
      resume = undefined;
    }
  };
  const iterator: AsyncIterator<RecordedEvent> = { next, return: async () => (end(), { done: true, value: undefined }) };
  return { iterator: () => iterator, end, wake };
}
