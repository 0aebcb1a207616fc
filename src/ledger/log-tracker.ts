import { LedgerError } from '../domain/errors.js';
import { checkedHexBytes } from '../seal/hash.js';
import { leafHash } from '../seal/merkle.js';
import { merkleLog, type MerkleLog } from '../seal/merkle-log.js';
import type { EventStore, Position } from '../store/port.js';

/**
 * The writer's own view of its log for signing checkpoints: every stored row becomes the next
 * leaf (its envelope hash as stored), with no signature check, so checkpointing costs a read
 * of the new rows, not a verification. It still refuses to sign a log that a checkpoint the
 * ledger recorded no longer matches: each checkpoint must extend the one before it.
 */
export interface LogTracker {
  readonly log: MerkleLog;
  catchUp(): Promise<void>;
}

const ZERO = new Uint8Array(32);
const HEX64 = /^[0-9a-f]{64}$/;

export const logTracker = (store: EventStore): LogTracker => {
  const log = merkleLog();
  let position: Position | undefined;
  const catchUp = async (): Promise<void> => {
    for await (const ev of store.readAll(position === undefined ? {} : { after: position })) {
      const data = ev.data as { hash?: unknown; fact?: { type?: unknown; size?: unknown; root?: unknown } } | null;
      const hash = typeof data?.hash === 'string' && HEX64.test(data.hash) ? checkedHexBytes(data.hash) : ZERO;
      const fact = data?.fact;
      if (fact?.type === 'CheckpointRecorded' && typeof fact.size === 'number' && typeof fact.root === 'string') {
        const root = fact.size <= log.size ? Buffer.from(log.root(fact.size)).toString('hex') : undefined;
        if (root !== fact.root) {
          throw new LedgerError(
            'INTEGRITY',
            `the log no longer matches the checkpoint it recorded at ${fact.size} entries (event ${ev.id}): entries were deleted, inserted, reordered or rewritten; no new checkpoint is signed`,
            { eventId: ev.id, size: fact.size },
          );
        }
      }
      log.append(leafHash(hash));
      position = ev.position;
    }
  };
  return { log, catchUp };
};
