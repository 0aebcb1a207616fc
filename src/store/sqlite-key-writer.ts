import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { newDataKeyId, newKey } from './key-store.js';

/** A row of the key store's data_keys table as the writer returns it. */
export interface KeyRow {
  readonly key_id: string;
  readonly subject: string;
  readonly key: Buffer | Uint8Array;
  /** Made by the request that returned it. */
  readonly created?: true;
}

// Plain CommonJS so it runs as an eval'd worker from both the built package and the TS sources under test.
// It opens its own connection with the store's pragmas, and answers one request at a time: each
// is an IMMEDIATE transaction that returns each subject's newest key, or stores the fresh one
// offered for a subject that has none, committed (fsync) before the answer is posted: two writers
// asking for a subject's first key at once get the same one.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
for (const p of workerData.pragmas) db.pragma(p);
const current = db.prepare('SELECT key_id, subject, key FROM data_keys WHERE subject = ? ORDER BY seq DESC LIMIT 1');
const insert = db.prepare('INSERT INTO data_keys (key_id, subject, key) VALUES (?, ?, ?)');
const currentOrNew = db.transaction((fresh) => fresh.map((row) => {
  const found = current.get(row.subject);
  if (found) return found;
  insert.run(row.key_id, row.subject, row.key);
  return { ...row, created: true };
}));
parentPort.on('message', ({ id, fresh, close }) => {
  if (close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id, rows: currentOrNew.immediate(fresh) });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

/** Makes subjects' first data keys on a thread of its own, so the commit's fsync never holds up the event loop. */
export interface KeyWriter {
  /** Each subject's newest key, made for those that have none; durable when it resolves. */
  currentOrNew(subjects: readonly string[]): Promise<KeyRow[]>;
  /** Waits for the requests already made, then ends the thread. */
  close(): Promise<void>;
}

interface Request {
  readonly subjects: readonly string[];
  resolve(rows: KeyRow[]): void;
  reject(error: Error): void;
}

/**
 * One commit in flight at a time: the requests that arrive meanwhile wait, and go together in the
 * next transaction, so a burst of new subjects costs one fsync per round, not one each.
 * `fail` names the store in the errors it builds.
 */
export const sqliteKeyWriter = (path: string, pragmas: readonly string[], fail: (message: string) => Error): KeyWriter => {
  let worker: Worker | undefined;
  let waiting: Request[] = [];
  let inFlight: Request[] = [];
  let idle: (() => void) | undefined;
  let nextId = 0;

  const settle = (requests: readonly Request[], rows: readonly KeyRow[] | undefined, error: Error | undefined): void => {
    const bySubject = new Map((rows ?? []).map((r) => [r.subject, r]));
    for (const r of requests) {
      if (error !== undefined) r.reject(error);
      else r.resolve(r.subjects.map((s) => bySubject.get(s)!));
    }
  };

  const spawn = (): Worker => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, pragmas } });
    w.on('message', ({ rows, error }: { id: number; rows?: KeyRow[]; error?: string }) => {
      const done = inFlight;
      inFlight = [];
      settle(done, rows, error === undefined ? undefined : fail(error));
      send();
    });
    w.on('error', (e) => {
      worker = undefined;
      const lost = [...inFlight, ...waiting];
      inFlight = [];
      waiting = [];
      settle(lost, undefined, fail(e.message));
      idle?.();
    });
    return w;
  };

  const send = (): void => {
    if (inFlight.length > 0) return;
    if (waiting.length === 0) {
      worker?.unref();
      idle?.();
      return;
    }
    inFlight = waiting;
    waiting = [];
    worker ??= spawn();
    // Held while a request is pending, so the process cannot exit under a waiting caller.
    worker.ref();
    const fresh = inFlight.flatMap((r) => r.subjects.map((subject) => ({ key_id: newDataKeyId(), subject, key: newKey() })));
    worker.postMessage({ id: nextId++, fresh });
  };

  return {
    currentOrNew: (subjects) =>
      new Promise<KeyRow[]>((resolve, reject) => {
        waiting.push({ subjects, resolve, reject });
        send();
      }),
    async close() {
      if (inFlight.length > 0 || waiting.length > 0) await new Promise<void>((res) => (idle = res));
      idle = undefined;
      const w = worker;
      worker = undefined;
      if (w === undefined) return;
      w.ref();
      const exited = new Promise<void>((res) => w.once('exit', () => res()));
      w.postMessage({ close: true });
      await exited;
    },
  };
};
