import { LedgerError } from '../domain/errors.js';
import { checkedHexBytes } from '../seal/hash.js';
import type { EventStore, Position } from '../store/port.js';
import type { Envelope } from '../seal/envelope.js';
import type { Placed } from './append.js';
import { inThreadLog, trackedLog, type LogHead, type TrackedLog } from './tracked-log.js';

/**
 * The writer's own view of its log for signing checkpoints: every stored row becomes the next
 * leaf (its envelope hash as stored), with no signature check, so checkpointing costs a read
 * of the new rows, not a verification. On a store with dense positions the writer's own
 * appends become leaves without that read: an append whose first position follows the last
 * leaf's is exactly those rows. Whatever else the store holds (another writer's rows, a gap)
 * is read from the store as before. It still refuses to sign a log that a checkpoint the
 * ledger recorded no longer matches (each checkpoint must extend the one before it), or one
 * where the store placed this writer's own append at positions the log already holds. The
 * hashing is the TrackedLog's, on a worker thread where one can be started.
 */
export interface LogTracker {
  /** The writer's own appends as the store placed them; only for a store with dense positions. */
  placed(placed: readonly Placed[]): void;
  /** Brings the log up to every row the store holds now, and gives its size and root; INTEGRITY when it can sign no checkpoint. */
  catchUp(): Promise<LogHead>;
  /** Stops the log's worker thread. */
  close(): Promise<void>;
}

const ZERO = new Uint8Array(32);
const HEX64 = /^[0-9a-f]{64}$/;
/** Own appends held while a gap before them is unread; beyond this they are dropped and read back instead. */
const MAX_PENDING = 100_000;

/** Consecutive positions that are consecutive leaves: where a position's leaf can be found. */
interface Span {
  readonly position: Position;
  readonly index: number;
  count: number;
}

interface Fed {
  readonly start: Position;
  readonly placed: Placed;
}

type RecordedFact = { type?: unknown; size?: unknown; root?: unknown } | undefined;

export const logTracker = (store: EventStore, first: TrackedLog = trackedLog()): LogTracker => {
  let log = first;
  let size = 0;
  const dense = store.densePositions === true;
  let position: Position | undefined;
  const spans: Span[] = [];
  const pending = new Map<Position, Fed>();
  let pendingEnvelopes = 0;
  let reading = false;
  let problem: LedgerError | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let restarted = false;

  const restart = (): void => {
    void log.close().catch(() => undefined);
    log = inThreadLog();
    size = 0;
    position = undefined;
    spans.length = 0;
    pending.clear();
    pendingEnvelopes = 0;
  };

  const indexOf = (p: Position): number | undefined => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const s = spans[mid]!;
      if (p < s.position) hi = mid - 1;
      else if (p >= s.position + BigInt(s.count)) lo = mid + 1;
      else return s.index + Number(p - s.position);
    }
    return undefined;
  };

  /** `count` leaves from `index` now stand at the positions from `at`. */
  const spanned = (at: Position, index: number, count: number): void => {
    size = index + count;
    position = at + BigInt(count - 1);
    if (!dense) return;
    const last = spans[spans.length - 1];
    if (last !== undefined && at === last.position + BigInt(last.count) && index === last.index + last.count) last.count += count;
    else spans.push({ position: at, index, count });
  };

  /** A CheckpointRecorded must still match the log it was signed over: checked before its own leaf. */
  const checkRecorded = (fact: RecordedFact, id: string): void => {
    if (fact?.type === 'CheckpointRecorded' && typeof fact.size === 'number' && typeof fact.root === 'string') log.expectRoot(fact.size, fact.root, id);
  };

  /** The next leaf, read from the store. */
  const enter = (hash: Uint8Array, fact: RecordedFact, id: string, at: Position): void => {
    checkRecorded(fact, id);
    log.append(hash);
    spanned(at, size, 1);
  };

  /** An own append's envelopes, the leaves from position `at` on: their hashes as written, one span. */
  const enterOwn = (envelopes: readonly Envelope[], at: Position): void => {
    for (const env of envelopes) {
      checkRecorded(env.fact, env.id);
      log.appendHex(env.hash);
    }
    spanned(at, size, envelopes.length);
  };

  /** An own append at positions the log already holds must be what the log has there. */
  const confirm = ({ start, placed }: Fed): void => {
    placed.envelopes.forEach((env, k) => {
      const at = start + BigInt(k);
      if (at > position!) return;
      const index = indexOf(at);
      if (index !== undefined) {
        log.expectLeaf(index, checkedHexBytes(env.hash), env.id, at.toString());
        return;
      }
      throw new LedgerError(
        'INTEGRITY',
        `the store placed event ${env.id} at position ${at}, where the log already read past: entries were deleted and their positions reused; no new checkpoint is signed`,
        { eventId: env.id, position: at.toString() },
      );
    });
  };

  /** Own appends become leaves while each starts right after the last leaf. */
  const drain = (): void => {
    if (position === undefined) return;
    for (;;) {
      for (const fed of pending.values()) {
        if (fed.start > position) continue;
        pending.delete(fed.start);
        pendingEnvelopes -= fed.placed.envelopes.length;
        confirm(fed);
        const rest = fed.placed.envelopes.slice(Number(position - fed.start) + 1);
        if (rest.length > 0) hold({ start: position + 1n, placed: { envelopes: rest, position: fed.placed.position } });
      }
      const next = pending.get(position + 1n);
      if (next === undefined) return;
      pending.delete(next.start);
      pendingEnvelopes -= next.placed.envelopes.length;
      if (next.placed.envelopes.length > 0) enterOwn(next.placed.envelopes, position + 1n);
    }
  };

  const hold = (fed: Fed): void => {
    pending.set(fed.start, fed);
    pendingEnvelopes += fed.placed.envelopes.length;
  };

  const guarded = (work: () => void): void => {
    if (problem !== undefined) return;
    try {
      work();
    } catch (e) {
      problem = e instanceof LedgerError ? e : new LedgerError('INTEGRITY', String(e));
    }
  };

  const placed = (appends: readonly Placed[]): void => {
    if (!dense) return;
    guarded(() => {
      for (const p of appends) {
        if (p.envelopes.length > 0) hold({ start: p.position - BigInt(p.envelopes.length - 1), placed: p });
      }
      if (pendingEnvelopes > MAX_PENDING) {
        pending.clear();
        pendingEnvelopes = 0;
      }
      if (!reading) drain();
    });
  };

  const readStore = async (): Promise<void> => {
    reading = true;
    try {
      for await (const ev of store.readAll(position === undefined ? {} : { after: position })) {
        const data = ev.data as { hash?: unknown; fact?: RecordedFact } | null;
        const hash = typeof data?.hash === 'string' && HEX64.test(data.hash) ? checkedHexBytes(data.hash) : ZERO;
        enter(hash, data?.fact, ev.id, ev.position);
      }
    } finally {
      reading = false;
    }
  };

  const catchUp = (): Promise<LogHead> => {
    const run = tail.then(async () => {
      if (problem !== undefined) throw problem;
      try {
        drain();
        await readStore();
        drain();
        return await log.head();
      } catch (e) {
        if (e instanceof LedgerError && e.code === 'CHECKPOINT_FAILED' && !restarted) {
          // The worker thread is gone, and the log with it: rebuilt once on this thread, from the store.
          restarted = true;
          restart();
          await readStore();
          return await log.head();
        }
        if (e instanceof LedgerError && e.code === 'INTEGRITY') problem = e;
        throw e;
      }
    });
    tail = run.catch(() => undefined);
    return run;
  };

  return { placed, catchUp, close: () => log.close() };
};
