// RFC 9162 inclusion proof verification (§2.1.3.2), with no Node API: merkle.ts runs it on
// node:crypto, the bundle verifier on the pure SHA-256. Sizes and indices are JS numbers up
// to 2^53 - 1: halving is Math.floor(x / 2), never `>>`, which truncates to 32 bits.
import { bytesEqual } from './bytes.js';
import { HOLDS, refuse, type ProofCheck } from './checked.js';
import { SHA256_SIZE as HASH_SIZE } from './sha256.js';

export const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
export const half = (n: number): number => Math.floor(n / 2);
export const odd = (n: number): boolean => n % 2 === 1;

export const badHash = (what: string, h: Uint8Array): string | undefined =>
  h instanceof Uint8Array && h.length === HASH_SIZE ? undefined : `${what} is not a ${HASH_SIZE}-byte hash`;

export const badProofHash = (proof: readonly Uint8Array[]): string | undefined => {
  for (let i = 0; i < proof.length; i++) {
    const bad = badHash(`proof element ${i}`, proof[i]!);
    if (bad) return bad;
  }
  return undefined;
};

export interface InclusionClaim {
  readonly index: number;
  readonly size: number;
  readonly leafHash: Uint8Array;
  /** Sibling hashes from the leaf up to the root. */
  readonly proof: readonly Uint8Array[];
  readonly root: Uint8Array;
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show leaf `index` in the tree of `size` leaves with `root`?
 * The node hash is given, so that this runs on node:crypto in the ledger and on the pure
 * SHA-256 in the Node-free verifier.
 */
export const checkInclusion = (claim: InclusionClaim, nodeHash: (left: Uint8Array, right: Uint8Array) => Uint8Array): ProofCheck => {
  const { index, size, proof, root } = claim;
  if (!isSize(index) || !isSize(size)) return refuse('index and size must be non-negative safe integers');
  if (index >= size) return refuse(`leaf index ${index} is not below the tree size ${size}`);
  const bad = badHash('leaf hash', claim.leafHash) ?? badHash('root', root) ?? badProofHash(proof);
  if (bad) return refuse(bad);
  let fn = index;
  let sn = size - 1;
  let r = claim.leafHash;
  for (const p of proof) {
    if (sn === 0) return refuse(`proof is longer than an inclusion proof for index ${index} in size ${size}`);
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return refuse(`proof is shorter than an inclusion proof for index ${index} in size ${size}`);
  return bytesEqual(r, root) ? HOLDS : refuse('the proof leads to another root');
};

