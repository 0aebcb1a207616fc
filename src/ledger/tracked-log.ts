import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError } from '../domain/errors.js';
import { bytesEqual } from '../seal/bytes.js';
import { checkedHexBytes } from '../seal/hash.js';
import { HASH_SIZE, leafHash } from '../seal/merkle.js';
import { merkleLog } from '../seal/merkle-log.js';

/**
 * The Merkle log behind the writer's checkpoints, fed in log order and asked for its head when a
 * checkpoint is signed. Every call but head() only queues work, so the log can live on a worker
 * thread: hashing two SHA-256 a leaf there instead of on the thread that seals and stores. The
 * checks are the tracker's: a recorded checkpoint must still match the log, and an own append at
 * a position the log holds must be the leaf there; the first that fails is INTEGRITY, from
 * head() on, and nothing more is taken in.
 */
export interface TrackedLog {
  /** Appends leaves: `hashes` holds envelope hashes (the leaves' data), 32 bytes each, back to back. */
  append(hashes: Uint8Array): void;
  /** Appends one leaf: an envelope hash as 64 lower-case hex digits (the caller wrote it so). */
  appendHex(hash: string): void;
  /** The recorded checkpoint `eventId` says the first `size` leaves have `root` (hex): the next leaf is that checkpoint's own. */
  expectRoot(size: number, root: string, eventId: string): void;
  /** The store placed event `eventId` (envelope hash `hash`) at `position`, which the log holds as leaf `index`. */
  expectLeaf(index: number, hash: Uint8Array, eventId: string, position: string): void;
  /** Size and root once everything given before has been taken in; INTEGRITY for the first check that failed. */
  head(): Promise<LogHead>;
  close(): Promise<void>;
}

export interface LogHead {
  readonly size: number;
  readonly root: Uint8Array;
}

/** What a worker's log is sent, in order. */
export type LogMessage =
  | { readonly op: 'append'; readonly hashes: Uint8Array }
  | { readonly op: 'expectRoot'; readonly size: number; readonly root: string; readonly eventId: string }
  | { readonly op: 'expectLeaves'; readonly leaves: readonly ExpectedLeaf[] }
  | { readonly op: 'head'; readonly id: number };

/** The arguments of one expectLeaf(). */
export interface ExpectedLeaf {
  readonly index: number;
  readonly hash: Uint8Array;
  readonly eventId: string;
  readonly position: string;
}

/** A worker's answer to `head`. */
export type LogReply =
  | { readonly id: number; readonly size: number; readonly root: Uint8Array }
  | { readonly id: number; readonly error: { readonly code: LedgerError['code']; readonly message: string; readonly details: Record<string, unknown> } };

/** The log on this thread: what a worker runs, and the log where no worker can be started. */
export const inThreadLog = (): TrackedLog => {
  const log = merkleLog();
  let problem: LedgerError | undefined;
  const failing = (f: () => LedgerError | undefined): void => {
    if (problem === undefined) problem = f();
  };
  return {
    append(hashes) {
      if (problem !== undefined) return;
      for (let o = 0; o + HASH_SIZE <= hashes.length; o += HASH_SIZE) log.appendData(hashes.subarray(o, o + HASH_SIZE));
    },
    appendHex(hash) {
      if (problem === undefined) log.appendData(checkedHexBytes(hash));
    },
    expectRoot(size, root, eventId) {
      failing(() => {
        const held = size <= log.size ? Buffer.from(log.root(size)).toString('hex') : undefined;
        if (held === root) return undefined;
        return new LedgerError(
          'INTEGRITY',
          `the log no longer matches the checkpoint it recorded at ${size} entries (event ${eventId}): entries were deleted, inserted, reordered or rewritten; no new checkpoint is signed`,
          { eventId, size },
        );
      });
    },
    expectLeaf(index, hash, eventId, position) {
      failing(() =>
        index < log.size && bytesEqual(log.leafHash(index), leafHash(hash))
          ? undefined
          : new LedgerError(
              'INTEGRITY',
              `the store placed event ${eventId} at position ${position}, where the log already holds another entry: entries were deleted and their positions reused; no new checkpoint is signed`,
              { eventId, position },
            ),
      );
    },
    head: () => (problem === undefined ? Promise.resolve({ size: log.size, root: log.root() }) : Promise.reject(problem)),
    close: () => Promise.resolve(),
  };
};

/** Leaves gathered before they are posted: one message per this many, or at the next check or head. */
const POST_EVERY = 2048;

/**
 * The log on a worker thread running `script` (the built tracked-log-worker.js). Leaves are
 * gathered and posted in blocks; the worker takes messages in order, so a head() answers for
 * everything sent before it. A worker that stops fails every head() after it: CHECKPOINT_FAILED.
 */
export const workerLog = (script: URL): TrackedLog => {
  const worker = new Worker(script);
  worker.unref();
  const waiting = new Map<number, { resolve(h: LogHead): void; reject(e: Error): void }>();
  let nextId = 0;
  let stopped: LedgerError | undefined;
  // A Buffer over an ArrayBuffer of its own (never the shared pool), so it can be transferred.
  const newBlock = (): Buffer => Buffer.from(new ArrayBuffer(POST_EVERY * HASH_SIZE));
  let block = newBlock();
  let filled = 0;
  // Checks of leaves already given: sent after the leaves, in one message (a leaf never changes once appended).
  let expected: ExpectedLeaf[] = [];

  const lost = (why: string): void => {
    stopped ??= new LedgerError('CHECKPOINT_FAILED', `the Merkle log's worker thread stopped (${why}): no checkpoint can be signed from it`, { cause: 'STORE_UNAVAILABLE' });
    for (const w of waiting.values()) w.reject(stopped);
    waiting.clear();
  };
  worker.on('message', (reply: LogReply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if ('error' in reply) w?.reject(new LedgerError(reply.error.code, reply.error.message, reply.error.details));
    else w?.resolve({ size: reply.size, root: reply.root });
  });
  worker.on('error', (e) => lost(e.message));
  worker.on('exit', (code) => lost(`exit ${code}`));

  const post = (m: LogMessage, transfer: ArrayBuffer[] = []): void => {
    if (stopped === undefined) worker.postMessage(m, transfer);
  };
  const flush = (): void => {
    if (filled > 0) {
      post({ op: 'append', hashes: new Uint8Array(block.buffer, 0, filled) }, [block.buffer as ArrayBuffer]);
      block = newBlock();
      filled = 0;
    }
    if (expected.length > 0) {
      post({ op: 'expectLeaves', leaves: expected });
      expected = [];
    }
  };

  return {
    append(hashes) {
      for (let o = 0; o < hashes.length; ) {
        const n = Math.min(hashes.length - o, block.length - filled);
        block.set(hashes.subarray(o, o + n), filled);
        filled += n;
        o += n;
        if (filled === block.length) flush();
      }
    },
    appendHex(hash) {
      block.write(hash, filled, HASH_SIZE, 'hex');
      filled += HASH_SIZE;
      if (filled === block.length) flush();
    },
    expectRoot(size, root, eventId) {
      flush();
      post({ op: 'expectRoot', size, root, eventId });
    },
    expectLeaf(index, hash, eventId, position) {
      expected.push({ index, hash, eventId, position });
    },
    head() {
      flush();
      if (stopped !== undefined) return Promise.reject(stopped);
      const id = nextId++;
      return new Promise<LogHead>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        // Held while an answer is awaited, so the process cannot exit under a waiting caller.
        worker.ref();
        post({ op: 'head', id });
      });
    },
    async close() {
      stopped ??= new LedgerError('CLOSED', 'the Merkle log is closed');
      await worker.terminate();
    },
  };
};

const beside = new URL('./tracked-log-worker.js', import.meta.url);
/** The worker script beside this module: present in the built package, undefined when run from the TypeScript sources. */
export const LOG_WORKER_SCRIPT: URL | undefined = beside.protocol === 'file:' && existsSync(fileURLToPath(beside)) ? beside : undefined;

/** The writer's log: on a worker thread where the built worker script is at hand, else on this thread. */
export const trackedLog = (): TrackedLog => (LOG_WORKER_SCRIPT === undefined ? inThreadLog() : workerLog(LOG_WORKER_SCRIPT));
