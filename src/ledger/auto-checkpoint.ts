import { LedgerError } from '../domain/errors.js';

export interface AutoCheckpointOptions {
  readonly everyEvents?: number;
  readonly everyMs?: number;
  /**
   * Where a failed automatic checkpoint goes. Checkpoints are signed and recorded beside the
   * record() calls, not inside them; without a handler, a failure is CHECKPOINT_FAILED to the
   * next record(), recordIfLawful(), checkpoint() or close(), which then records nothing.
   */
  readonly onError?: (error: LedgerError) => void;
}

/** When automatic checkpoints fall due, the one being written, and a failure not yet heard of. */
export interface AutoCheckpoints {
  /** Counts facts this writer recorded, and starts a checkpoint when one is due. */
  recorded(count: number): void;
  /** A checkpoint was signed on request: the count and the timer start again. */
  restart(): void;
  /** Throws CHECKPOINT_FAILED for a failure no call has heard of yet. */
  surface(): void;
  /** Waits for the checkpoint being written, and any that fell due meanwhile. */
  settle(): Promise<void>;
}

export const autoCheckpoints = (c: {
  readonly options: AutoCheckpointOptions | undefined;
  readonly clock: () => Date;
  /** Signs and records one checkpoint, under the ledger's checkpoint lock. */
  readonly sign: () => Promise<unknown>;
  readonly closed: () => boolean;
}): AutoCheckpoints => {
  const auto = c.options;
  let since = 0;
  let lastMs = c.clock().getTime();
  let writing: Promise<void> | undefined;
  let failure: LedgerError | undefined;

  const failed = (e: unknown): void => {
    const error = e instanceof LedgerError ? e : new LedgerError('STORE_UNAVAILABLE', `the automatic checkpoint failed: ${String(e)}`);
    if (auto?.onError === undefined) failure = error;
    else auto.onError(error);
  };

  /**
   * Starts a checkpoint when one is due, beside the call that made it due: that call's facts are
   * recorded whatever becomes of it. Counted from when it fell due, so one falls due every N
   * events however long each takes to write; one at a time, the next right after.
   */
  const maybe = (): void => {
    if (auto === undefined || writing !== undefined || c.closed()) return;
    const due = (auto.everyEvents !== undefined && since >= auto.everyEvents) || (auto.everyMs !== undefined && c.clock().getTime() - lastMs >= auto.everyMs);
    if (!due) return;
    // Events beyond the N that made this one due count towards the next (one pending at most),
    // so a checkpoint that took longer to write than N events does not stretch the cadence.
    const every = auto.everyEvents;
    since = every !== undefined && since >= every ? Math.min(since - every, every - 1) : 0;
    lastMs = c.clock().getTime();
    writing = (async () => {
      try {
        await c.sign();
      } catch (e) {
        failed(e);
      } finally {
        writing = undefined;
      }
      maybe();
    })();
  };

  return {
    recorded(count) {
      since += count;
      maybe();
    },
    restart() {
      since = 0;
      lastMs = c.clock().getTime();
    },
    surface() {
      const f = failure;
      if (f === undefined) return;
      failure = undefined;
      throw new LedgerError('CHECKPOINT_FAILED', `the last automatic checkpoint failed (${f.code}: ${f.message}); nothing of this call was recorded`, { ...f.details, cause: f.code });
    },
    async settle() {
      while (writing !== undefined) await writing;
    },
  };
};

/** How long an automatic checkpoint waits for an append to go along with before it goes alone. */
const RIDE_ALONG_MS = 20;

/**
 * An automatic checkpoint's fact goes to the store right behind the writer's next append (or
 * alone after RIDE_ALONG_MS), so that a store that groups commits (SQLite, PostgreSQL) writes
 * both in one commit instead of one each: without this, every checkpoint cost a commit of its own.
 */
export interface RideAlong {
  /** The appender calls this just before an append goes to the store. */
  onWrite(): void;
  /** Resolves at the next append, or after RIDE_ALONG_MS. */
  next(): Promise<void>;
  /** Lets a waiting checkpoint go now (close()). */
  release(): void;
}

export const rideAlong = (): RideAlong => {
  let waiting: (() => void) | undefined;
  const onWrite = (): void => {
    const go = waiting;
    waiting = undefined;
    go?.();
  };
  return {
    onWrite,
    release: onWrite,
    next: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(onWrite, RIDE_ALONG_MS);
        waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
  };
};
