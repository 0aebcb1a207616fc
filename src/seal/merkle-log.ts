// An append-only index of every perfect subtree of a Merkle tree, for roots and proofs at
// any past size. Level k holds, in order, the hashes of the complete subtrees of 2^k leaves;
// a tree of n leaves keeps about 2n hashes (64 bytes a leaf) in byte chunks, never objects.
import { LedgerError } from '../domain/errors.js';
import { EMPTY_ROOT, HASH_SIZE, leafInput, nodeHash, nodeInput, sha256Into, splitPoint } from './merkle.js';

export interface MerkleLog {
  /** Leaves appended so far. */
  readonly size: number;
  /** Appends one leaf hash (SHA-256(0x00 || data), 32 bytes); returns its index. Amortised O(1). */
  append(leafHash: Uint8Array): number;
  /** Appends the leaf of `data` (hashes it as a leaf, as append(leafHash(data)) but without copies); returns its index. */
  appendData(data: Uint8Array): number;
  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array;
  /** MTH over the first `size` leaves (default: all). */
  root(size?: number): Uint8Array;
  /** RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves (default: all). */
  inclusionProof(index: number, size?: number): Uint8Array[];
  /** RFC 9162 consistency proof from `size1` (>= 1) to `size2` (default: all); empty when equal. */
  consistencyProof(size1: number, size2?: number): Uint8Array[];
}

const CHUNK_HASHES = 16_384; // 512 KiB chunks: bounded slack, no copy of a large column on growth

/** A growable column of 32-byte hashes. */
interface HashColumn {
  readonly length: number;
  push(hash: Uint8Array): void;
  /** Pushes SHA-256(input), hashed straight into the column; returns it (a view, valid until the column grows). */
  pushDigestOf(input: Uint8Array): Uint8Array;
  at(i: number): Uint8Array;
}

const hashColumn = (): HashColumn => {
  const chunks: Uint8Array[] = [new Uint8Array(16 * HASH_SIZE)];
  let length = 0;
  const offset = (): number => (length % CHUNK_HASHES) * HASH_SIZE;
  /** The chunk the next hash goes to (at offset()), growing the column where needed. */
  const nextChunk = (): Uint8Array => {
    const c = Math.floor(length / CHUNK_HASHES);
    const o = offset();
    let chunk = chunks[c];
    if (!chunk) {
      chunk = new Uint8Array(CHUNK_HASHES * HASH_SIZE);
      chunks.push(chunk);
    } else if (o + HASH_SIZE > chunk.length) {
      // Only the first chunk grows (doubling up to a full chunk): small columns stay small.
      const grown = new Uint8Array(Math.min(chunk.length * 2, CHUNK_HASHES * HASH_SIZE));
      grown.set(chunk);
      chunks[c] = chunk = grown;
    }
    return chunk;
  };
  return {
    get length() {
      return length;
    },
    push(hash) {
      const chunk = nextChunk();
      chunk.set(hash, offset());
      length += 1;
    },
    pushDigestOf(input) {
      const chunk = nextChunk();
      const o = offset();
      sha256Into(input, chunk, o);
      length += 1;
      return chunk.subarray(o, o + HASH_SIZE);
    },
    at(i) {
      const o = (i % CHUNK_HASHES) * HASH_SIZE;
      return chunks[Math.floor(i / CHUNK_HASHES)]!.subarray(o, o + HASH_SIZE);
    },
  };
};

const checkIndex = (what: string, n: number, min: number, max: number): void => {
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new LedgerError('INVALID_INPUT', `${what} must be an integer from ${min} to ${max}, got ${n}`, { [what]: n, min, max });
  }
};

export const merkleLog = (): MerkleLog => {
  const levels: HashColumn[] = [hashColumn()];
  const size = (): number => levels[0]!.length;

  /** Root of the perfect subtree of 2^level leaves starting at leaf `start`. */
  const perfect = (level: number, start: number): Uint8Array => levels[level]!.at(start / 2 ** level);

  /** MTH(D[start:end]) for a range the RFC's recursion produces: start aligned to a power of two >= end - start. */
  const rangeHash = (start: number, end: number): Uint8Array => {
    const parts: Uint8Array[] = [];
    for (let p = start; p < end; ) {
      let level = 0;
      while (p % 2 ** (level + 1) === 0 && p + 2 ** (level + 1) <= end) level++;
      parts.push(perfect(level, p));
      p += 2 ** level;
    }
    let r = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) r = nodeHash(parts[i]!, r);
    return r;
  };

  // PATH(m, D[start:end]) of RFC 6962 §2.1.1, iteratively, siblings collected root-down.
  const path = (index: number, end: number): Uint8Array[] => {
    const down: Uint8Array[] = [];
    let start = 0;
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        down.push(rangeHash(start + k, end));
        end = start + k;
      } else {
        down.push(rangeHash(start, start + k));
        start += k;
      }
    }
    return down.reverse();
  };

  // SUBPROOF(m, D[start:end], b) of RFC 6962 §2.1.2, iteratively.
  const subproof = (m: number, end: number): Uint8Array[] => {
    const down: Uint8Array[] = [];
    let start = 0;
    let complete = true;
    while (m !== end - start) {
      const k = splitPoint(end - start);
      if (m <= k) {
        down.push(rangeHash(start + k, end));
        end = start + k;
      } else {
        down.push(rangeHash(start, start + k));
        m -= k;
        start += k;
        complete = false;
      }
    }
    if (!complete) down.push(rangeHash(start, end));
    return down.reverse();
  };

  /** After a leaf went into level 0: every trailing 1-bit of the new size completes one more perfect subtree. Returns the leaf's index. */
  const completeSubtrees = (leaf: Uint8Array): number => {
    const index = size() - 1;
    let cur = leaf;
    for (let level = 0, n = index + 1; n % 2 === 0; level++, n /= 2) {
      const column = levels[level]!;
      cur = (levels[level + 1] ??= hashColumn()).pushDigestOf(nodeInput(column.at(column.length - 2), cur));
    }
    return index;
  };

  return {
    get size() {
      return size();
    },
    append(leaf) {
      if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_SIZE) {
        throw new LedgerError('INVALID_INPUT', `a leaf hash must be ${HASH_SIZE} bytes`);
      }
      levels[0]!.push(leaf);
      return completeSubtrees(leaf);
    },
    appendData(data) {
      return completeSubtrees(levels[0]!.pushDigestOf(leafInput(data)));
    },
    leafHash(index) {
      checkIndex('index', index, 0, size() - 1);
      return Uint8Array.from(levels[0]!.at(index));
    },
    root(treeSize = size()) {
      checkIndex('size', treeSize, 0, size());
      return Uint8Array.from(treeSize === 0 ? EMPTY_ROOT : rangeHash(0, treeSize));
    },
    inclusionProof(index, treeSize = size()) {
      checkIndex('size', treeSize, 1, size());
      checkIndex('index', index, 0, treeSize - 1);
      return path(index, treeSize).map((h) => Uint8Array.from(h));
    },
    consistencyProof(size1, size2 = size()) {
      checkIndex('size2', size2, 1, size());
      checkIndex('size1', size1, 1, size2);
      return subproof(size1, size2).map((h) => Uint8Array.from(h));
    },
  };
};
