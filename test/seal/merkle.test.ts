// RFC 9162 hashing and proof verification against public vectors: the RFC 6962 reference
// tree and the golden files of transparency-dev/merkle (test/vectors/README.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, nodeHash, verifyConsistency, verifyInclusion, type ConsistencyClaim, type InclusionClaim } from '../../src/seal/merkle.js';
import { merkleLog } from '../../src/seal/merkle-log.js';
import { compactRange } from '../../src/seal/compact-range.js';
import { fromB64, fromHex, hex, refLeafHash, refNodeHash, rootFromLeaves } from './merkle-reference.js';

const VECTORS = join(import.meta.dirname, '../vectors');

interface RfcVectors {
  leaves_hex: string[];
  rootsBySize_hex: string[];
  inclusion: { leafIndex: number; treeSize: number; proof: string[] }[];
  consistency: { size1: number; size2: number; proof: string[] }[];
}
const rfc = JSON.parse(readFileSync(join(VECTORS, 'rfc6962-merkle.json'), 'utf8')) as RfcVectors;
const leaves = rfc.leaves_hex.map((h) => leafHash(fromHex(h)));
const roots = rfc.rootsBySize_hex.map(fromHex);
const log = merkleLog();
for (const l of leaves) log.append(l);

const flipBit = (proof: readonly Uint8Array[], i: number, bit: number): Uint8Array[] =>
  proof.map((p, j) => {
    if (j !== i) return p;
    const q = Uint8Array.from(p);
    q[bit >> 3]! ^= 1 << (bit & 7);
    return q;
  });

/** Every corruption the vectors' README says a verifier must reject, for one good inclusion claim. */
const inclusionCorruptions = (c: InclusionClaim): [string, InclusionClaim][] => {
  const out: [string, InclusionClaim][] = [
    ['index - 1', { ...c, index: c.index - 1 }],
    ['index + 1', { ...c, index: c.index + 1 }],
    ['index ^ 2', { ...c, index: c.index ^ 2 }],
    ['size * 2', { ...c, size: c.size * 2 }],
    ['size / 2', { ...c, size: Math.floor(c.size / 2) }],
    ['wrong leaf', { ...c, leafHash: leafHash(Uint8Array.of(0xff)) }],
    ['empty-tree root', { ...c, root: EMPTY_ROOT }],
    ['random root', { ...c, root: leafHash(Uint8Array.of(1, 2, 3)) }],
    ['empty element appended', { ...c, proof: [...c.proof, new Uint8Array(0)] }],
    ['empty element prepended', { ...c, proof: [new Uint8Array(0), ...c.proof] }],
    ['zero hash appended', { ...c, proof: [...c.proof, new Uint8Array(32)] }],
    ['root appended', { ...c, proof: [...c.proof, c.root] }],
    ['root prepended', { ...c, proof: [c.root, ...c.proof] }],
    ['last element removed', { ...c, proof: c.proof.slice(0, -1) }],
  ];
  for (let i = 0; i <= c.proof.length; i++) {
    out.push([`element inserted at ${i}`, { ...c, proof: [...c.proof.slice(0, i), leafHash(Uint8Array.of(9)), ...c.proof.slice(i)] }]);
  }
  c.proof.forEach((_, i) => {
    for (let bit = 0; bit < 256; bit++) out.push([`bit ${bit} of element ${i}`, { ...c, proof: flipBit(c.proof, i, bit) }]);
  });
  return out.filter(([name, bad]) => name !== 'last element removed' || bad.proof.length < c.proof.length);
};

const consistencyCorruptions = (c: ConsistencyClaim): [string, ConsistencyClaim][] => {
  const out: [string, ConsistencyClaim][] = [
    ['size1 - 1', { ...c, size1: c.size1 - 1 }],
    ['size1 + 1', { ...c, size1: c.size1 + 1 }],
    ['size1 ^ 2', { ...c, size1: c.size1 ^ 2 }],
    ['size2 * 2', { ...c, size2: c.size2 * 2 }],
    ['size2 / 2', { ...c, size2: Math.floor(c.size2 / 2) }],
    ['size1 > size2', { ...c, size1: c.size2 + 1 }],
    ['wrong root1', { ...c, root1: leafHash(Uint8Array.of(7)) }],
    ['wrong root2', { ...c, root2: leafHash(Uint8Array.of(7)) }],
    ['empty-tree root2', { ...c, root2: EMPTY_ROOT }],
    ['empty element appended', { ...c, proof: [...c.proof, new Uint8Array(0)] }],
    ['empty element prepended', { ...c, proof: [new Uint8Array(0), ...c.proof] }],
    ['root2 appended', { ...c, proof: [...c.proof, c.root2] }],
    ['root1 prepended', { ...c, proof: [c.root1, ...c.proof] }],
  ];
  if (!Buffer.from(c.root1).equals(c.root2)) out.push(['swapped roots', { ...c, root1: c.root2, root2: c.root1 }]);
  if (c.proof.length > 0) {
    out.push(['empty proof', { ...c, proof: [] }], ['truncated proof', { ...c, proof: c.proof.slice(0, -1) }]);
  }
  for (let i = 0; i <= c.proof.length; i++) {
    out.push([`element inserted at ${i}`, { ...c, proof: [...c.proof.slice(0, i), leafHash(Uint8Array.of(9)), ...c.proof.slice(i)] }]);
  }
  c.proof.forEach((_, i) => {
    for (let bit = 0; bit < 256; bit++) out.push([`bit ${bit} of element ${i}`, { ...c, proof: flipBit(c.proof, i, bit) }]);
  });
  return out;
};

describe('RFC 6962 reference tree', () => {
  it('hashes leaves and nodes with domain separation, and the empty tree as SHA-256("")', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const a = leafHash(Uint8Array.of(1));
    expect(leafHash(Uint8Array.of(1))).toEqual(refLeafHash(Uint8Array.of(1)));
    expect(nodeHash(a, EMPTY_ROOT)).toEqual(refNodeHash(a, EMPTY_ROOT));
    expect(leafHash(new Uint8Array(0))).not.toEqual(EMPTY_ROOT);
  });

  it('gives the published root for every size 0..8, by merkleLog, compactRange and the naive reference', () => {
    const range = compactRange();
    expect(roots).toHaveLength(9);
    roots.forEach((root, size) => {
      expect(hex(log.root(size)), `size ${size}`).toBe(hex(root));
      expect(hex(range.root()), `compact size ${size}`).toBe(hex(root));
      expect(hex(rootFromLeaves(leaves.slice(0, size)))).toBe(hex(root));
      if (size < leaves.length) range.append(leaves[size]!);
    });
  });

  it.each(rfc.inclusion)('inclusion of leaf $leafIndex in size $treeSize: produced, verified, and every corruption refused', (v) => {
    const proof = v.proof.map(fromHex);
    expect(log.inclusionProof(v.leafIndex, v.treeSize).map(hex)).toEqual(v.proof);
    const good: InclusionClaim = { index: v.leafIndex, size: v.treeSize, leafHash: leaves[v.leafIndex]!, proof, root: roots[v.treeSize]! };
    expect(verifyInclusion(good)).toEqual({ ok: true });
    for (const [name, bad] of inclusionCorruptions(good)) {
      const result = verifyInclusion(bad);
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.reason, name).toMatch(/\w/);
    }
  });

  it.each(rfc.consistency)('consistency from $size1 to $size2: produced, verified, and every corruption refused', (v) => {
    const proof = v.proof.map(fromHex);
    expect(log.consistencyProof(v.size1, v.size2).map(hex)).toEqual(v.proof);
    const good: ConsistencyClaim = { size1: v.size1, size2: v.size2, root1: roots[v.size1]!, root2: roots[v.size2]!, proof };
    expect(verifyConsistency(good)).toEqual({ ok: true });
    for (const [name, bad] of consistencyCorruptions(good)) expect(verifyConsistency(bad).ok, name).toBe(false);
  });

  it('names why a proof fails', () => {
    const v = rfc.inclusion[0]!;
    const good = { index: v.leafIndex, size: v.treeSize, leafHash: leaves[0]!, proof: v.proof.map(fromHex), root: roots[8]! };
    expect(verifyInclusion({ ...good, index: 8 })).toEqual({ ok: false, reason: 'leaf index 8 is not below the tree size 8' });
    expect(verifyInclusion({ ...good, proof: good.proof.slice(1) })).toMatchObject({ reason: /shorter/ });
    expect(verifyInclusion({ ...good, proof: [...good.proof, EMPTY_ROOT] })).toMatchObject({ reason: /longer/ });
    expect(verifyInclusion({ ...good, root: EMPTY_ROOT })).toMatchObject({ reason: /another root/ });
    expect(verifyInclusion({ ...good, leafHash: new Uint8Array(31) })).toMatchObject({ reason: /leaf hash is not a 32-byte hash/ });
    expect(verifyInclusion({ ...good, index: 0.5 })).toMatchObject({ reason: /integers/ });
    const c = { size1: 6, size2: 8, root1: roots[6]!, root2: roots[8]!, proof: rfc.consistency[1]!.proof.map(fromHex) };
    expect(verifyConsistency({ ...c, size1: 9 })).toMatchObject({ reason: /never shrinks/ });
    expect(verifyConsistency({ ...c, size1: 0 })).toMatchObject({ reason: /size 0/ });
    expect(verifyConsistency({ ...c, size1: 8, proof: [] })).toMatchObject({ reason: /forked/ });
    expect(verifyConsistency({ ...c, size2: 6, root2: roots[6]! })).toMatchObject({ reason: /empty proof/ });
    expect(verifyConsistency({ ...c, proof: [] })).toMatchObject({ reason: /empty proof cannot/ });
    expect(verifyConsistency({ ...c, root1: roots[5]! })).toMatchObject({ reason: /root1/ });
    expect(verifyConsistency({ ...c, root2: roots[7]! })).toMatchObject({ reason: /root2/ });
  });
});

interface TdInclusion { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface TdConsistency { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

const jsonFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
const TD = join(VECTORS, 'transparency-dev');
const tdFiles = (kind: string) => jsonFiles(join(TD, kind)).map((path) => [relative(TD, path), JSON.parse(readFileSync(path, 'utf8'))] as const);

// The one file where our verifier is stricter than transparency-dev's: equal sizes with equal
// roots that are 12 bytes ("don't care 2"). We refuse every hash that is not 32 bytes.
const STRICTER = 'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json';

describe('transparency-dev golden proofs', () => {
  const inclusion = tdFiles('inclusion') as (readonly [string, TdInclusion])[];
  const consistency = tdFiles('consistency') as (readonly [string, TdConsistency])[];

  it('are all present (196 files)', () => {
    expect(inclusion.length + consistency.length).toBe(196);
    expect(inclusion.filter(([, v]) => !v.wantErr).length).toBeGreaterThan(5);
  });

  it.each(inclusion)('%s', (_path, v) => {
    const result = verifyInclusion({
      index: v.leafIdx, size: v.treeSize, leafHash: fromB64(v.leafHash), root: fromB64(v.root), proof: (v.proof ?? []).map(fromB64),
    });
    expect(result.ok, v.desc).toBe(!v.wantErr);
  });

  it.each(consistency)('%s', (path, v) => {
    const result = verifyConsistency({
      size1: v.size1, size2: v.size2, root1: fromB64(v.root1), root2: fromB64(v.root2), proof: (v.proof ?? []).map(fromB64),
    });
    if (path === STRICTER) {
      expect(v.wantErr).toBe(false);
      expect(result).toEqual({ ok: false, reason: 'root1 is not a 32-byte hash' });
      const root = leafHash(Uint8Array.of(2));
      expect(verifyConsistency({ size1: 1, size2: 1, root1: root, root2: root, proof: [] })).toEqual({ ok: true });
    } else {
      expect(result.ok, v.desc).toBe(!v.wantErr);
    }
  });
});

describe('sizes beyond 32 bits', () => {
  // A tree of 2^k + 3 leaves: a perfect left subtree X of 2^k leaves, then three leaves.
  // The verifier never needs X's leaves, so the proofs can be written down by hand.
  it.each([40, 52])('verifies proofs in a tree of 2^%i + 3 leaves, where `>>` would truncate', (k) => {
    const X = leafHash(Uint8Array.of(0xaa));
    const [l0, l1, l2] = [1, 2, 3].map((b) => leafHash(Uint8Array.of(b))) as [Uint8Array, Uint8Array, Uint8Array];
    const right = nodeHash(nodeHash(l0, l1), l2);
    const root = nodeHash(X, right);
    const size = 2 ** k + 3;
    expect(verifyInclusion({ index: size - 1, size, leafHash: l2, proof: [nodeHash(l0, l1), X], root })).toEqual({ ok: true });
    expect(verifyInclusion({ index: 2 ** k, size, leafHash: l0, proof: [l1, l2, X], root })).toEqual({ ok: true });
    expect(verifyInclusion({ index: 2 ** k + 1, size, leafHash: l0, proof: [l1, l2, X], root }).ok).toBe(false);
    expect(verifyConsistency({ size1: 2 ** k, size2: size, root1: X, root2: root, proof: [right] })).toEqual({ ok: true });
    const two = nodeHash(l0, l1);
    // The same proof against the real root of one leaf fewer.
    expect(verifyConsistency({ size1: 2 ** k, size2: size - 1, root1: X, root2: nodeHash(X, two), proof: [right] }).ok).toBe(false);
    expect(verifyConsistency({ size1: 2 ** k + 2, size2: size, root1: nodeHash(X, two), root2: root, proof: [two, l2, X] })).toEqual({ ok: true });
  });

  it('refuses sizes that are not safe integers', () => {
    const h = leafHash(Uint8Array.of(1));
    expect(verifyInclusion({ index: 0, size: 2 ** 53, leafHash: h, proof: [], root: h }).ok).toBe(false);
    expect(verifyConsistency({ size1: 1, size2: 2 ** 53 + 2, root1: h, root2: h, proof: [h] }).ok).toBe(false);
  });
});
