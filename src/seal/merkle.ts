// RFC 9162 Merkle tree hashing and proof verification (§2.1), over SHA-256.
// Sizes and indices are JS numbers up to 2^53 - 1: halving is Math.floor(x / 2), never `>>`,
// which truncates to 32 bits.
import * as crypto from 'node:crypto';
import { bytesEqual } from './bytes.js';
import { HOLDS, refuse, type ProofCheck } from './checked.js';
import { badHash, badProofHash, checkInclusion, half, isSize, odd, type InclusionClaim } from './inclusion.js';

export type { InclusionClaim } from './inclusion.js';

export const HASH_SIZE = 32;

type OneShot = (alg: string, data: Uint8Array, enc: 'latin1') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** SHA-256 of `data` written into `out` at `offset` (32 bytes): no allocation on the hot path. */
export const sha256Into = (data: Uint8Array, out: Uint8Array, offset = 0): void => {
  if (!oneShot) {
    out.set(crypto.createHash('sha256').update(data).digest(), offset);
    return;
  }
  // crypto.hash to a latin1 string is the fastest route to 32 bytes in Node 20 (no Buffer).
  const s = oneShot('sha256', data, 'latin1');
  for (let i = 0; i < HASH_SIZE; i++) out[offset + i] = s.charCodeAt(i);
};

/** SHA-256 of bytes, as a plain Uint8Array. */
export const sha256Bytes = (data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(HASH_SIZE);
  sha256Into(data, out);
  return out;
};

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256Bytes(new Uint8Array(0));

// Hashing is synchronous: one buffer each for the prefixed inputs, which nothing else can see.
const leafScratch = new Uint8Array(1 + HASH_SIZE);
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = 1;

/** 0x00 || data: a shared buffer for 32-byte data, valid until the next call. */
export const leafInput = (data: Uint8Array): Uint8Array => {
  if (data.length === HASH_SIZE) {
    leafScratch.set(data, 1);
    return leafScratch;
  }
  const buf = new Uint8Array(1 + data.length);
  buf.set(data, 1);
  return buf;
};

/** 0x01 || left || right: a shared buffer for 32-byte children, valid until the next call. */
export const nodeInput = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return nodeScratch;
  }
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return buf;
};

/** Leaf hash: SHA-256(0x00 || data). */
export const leafHash = (data: Uint8Array): Uint8Array => sha256Bytes(leafInput(data));

/** Interior node hash: SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256Bytes(nodeInput(left, right));

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` in the tree of `size` leaves with `root`? */
export const verifyInclusion = (claim: InclusionClaim): ProofCheck => checkInclusion(claim, nodeHash);

export interface ConsistencyClaim {
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

const isPowerOfTwo = (n: number): boolean => {
  let x = n;
  while (x > 1 && !odd(x)) x = half(x);
  return x === 1;
};

/**
 * RFC 9162 §2.1.4.2: is the tree of `size2` leaves with `root2` an append-only extension of
 * the tree of `size1` leaves with `root1`? Equal sizes need an empty proof and equal roots.
 * A proof from size 0 is refused, as transparency-dev does: every tree extends the empty
 * one, so a caller (a witness with no previous checkpoint) decides that case itself.
 */
export const verifyConsistency = (claim: ConsistencyClaim): ProofCheck => {
  const { size1, size2, root1, root2, proof } = claim;
  if (!isSize(size1) || !isSize(size2)) return refuse('sizes must be non-negative safe integers');
  if (size1 > size2) return refuse(`size1 ${size1} is greater than size2 ${size2}: a log never shrinks`);
  if (size1 === 0) return refuse('a consistency proof from size 0 proves nothing: every tree extends the empty tree');
  const bad = badHash('root1', root1) ?? badHash('root2', root2) ?? badProofHash(proof);
  if (bad) return refuse(bad);
  if (size1 === size2) {
    if (proof.length !== 0) return refuse('equal sizes need an empty proof');
    return bytesEqual(root1, root2) ? HOLDS : refuse('equal sizes with different roots: the log forked');
  }
  if (proof.length === 0) return refuse(`an empty proof cannot show size ${size1} is consistent with size ${size2}`);
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return refuse(`proof is longer than a consistency proof from ${size1} to ${size2}`);
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return refuse(`proof is shorter than a consistency proof from ${size1} to ${size2}`);
  if (!bytesEqual(fr, root1)) return refuse('the proof does not lead to root1');
  return bytesEqual(sr, root2) ? HOLDS : refuse('the proof does not lead to root2');
};

/** The largest power of two strictly below n (n >= 2). */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
