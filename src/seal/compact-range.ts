// The right edge of a Merkle tree: the roots of its perfect subtrees, one per set bit of the
// size. Enough to append and to compute the root in O(log n), without any older leaf.
import { LedgerError } from '../domain/errors.js';
import { hexDecode, hexEncode } from './bytes.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './merkle.js';

/** What a verifier keeps between runs: the size and the right edge, largest subtree first. */
export interface CompactRangeState {
  readonly size: number;
  /** Hex hashes of the perfect subtrees, largest (leftmost) first; one per set bit of size. */
  readonly hashes: readonly string[];
}

export interface CompactRange {
  readonly size: number;
  /** Appends one leaf hash (32 bytes, already SHA-256(0x00 || data)). */
  append(leafHash: Uint8Array): void;
  /** MTH over every leaf appended so far; EMPTY_ROOT for none. */
  root(): Uint8Array;
  /** The perfect subtree roots, largest first (copies). */
  edge(): Uint8Array[];
  toJSON(): CompactRangeState;
}

const popcount = (n: number): number => {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
};

const checkHash = (h: Uint8Array, what: string): void => {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new LedgerError('INVALID_INPUT', `${what} must be a ${HASH_SIZE}-byte hash`);
  }
};

const rangeOver = (start: number, edge: Uint8Array[]): CompactRange => {
  let size = start;
  return {
    get size() {
      return size;
    },
    append(leaf) {
      checkHash(leaf, 'a leaf hash');
      if (size >= Number.MAX_SAFE_INTEGER) throw new LedgerError('INVALID_INPUT', 'the tree is full (2^53 - 1 leaves)');
      let cur: Uint8Array = Uint8Array.from(leaf);
      // Each trailing 1-bit of the size is a subtree of the new leaf's height: merge it.
      for (let s = size; s % 2 === 1; s = Math.floor(s / 2)) cur = nodeHash(edge.pop()!, cur);
      edge.push(cur);
      size += 1;
    },
    root() {
      if (edge.length === 0) return Uint8Array.from(EMPTY_ROOT);
      let r = edge[edge.length - 1]!;
      for (let i = edge.length - 2; i >= 0; i--) r = nodeHash(edge[i]!, r);
      return Uint8Array.from(r);
    },
    edge: () => edge.map((h) => Uint8Array.from(h)),
    toJSON: () => ({ size, hashes: edge.map(hexEncode) }),
  };
};

/** An empty compact range. */
export const compactRange = (): CompactRange => rangeOver(0, []);

/** Restores a compact range a verifier kept; refuses a state that cannot be one. */
export const compactRangeFromJSON = (state: unknown): CompactRange => {
  const s = state as Partial<CompactRangeState> | null;
  if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.size) || (s.size as number) < 0 || !Array.isArray(s.hashes)) {
    throw new LedgerError('INVALID_INPUT', 'a compact range state is { size: non-negative integer, hashes: hex[] }');
  }
  const size = s.size as number;
  if (s.hashes.length !== popcount(size)) {
    throw new LedgerError('INVALID_INPUT', `a compact range of size ${size} has ${popcount(size)} hashes, got ${s.hashes.length}`);
  }
  const edge = s.hashes.map((h, i) => {
    const bytes = typeof h === 'string' ? hexDecode(h) : undefined;
    if (!bytes || bytes.length !== HASH_SIZE) throw new LedgerError('INVALID_INPUT', `compact range hash ${i} is not 64 hex characters`);
    return bytes;
  });
  return rangeOver(size, edge);
};
