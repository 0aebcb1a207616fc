// Property tests: the incremental log and compact range against a naive recursive reference,
// over random sizes and every index, and every proof refused once an attacker touches it.
import { describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import { verifyConsistency, verifyInclusion } from '../../src/seal/merkle.js';
import { merkleLog } from '../../src/seal/merkle-log.js';
import { compactRange, compactRangeFromJSON } from '../../src/seal/compact-range.js';
import { hex, refLeafHash, rootFromLeaves, seeded } from './merkle-reference.js';

const rng = seeded(0x5eed_8);
const leafSet = (n: number): Uint8Array[] => Array.from({ length: n }, () => refLeafHash(rng.bytes(rng.int(0, 40))));
const MAX = 300;
const leaves = leafSet(MAX);
const log = merkleLog();
leaves.forEach((l) => log.append(l));
const refRoots = Array.from({ length: MAX + 1 }, (_, n) => rootFromLeaves(leaves.slice(0, n)));
const randomSizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 64, 127, 128, 129, 255, 256, 257, MAX, ...Array.from({ length: 8 }, () => rng.int(1, MAX))];

/** A copy of `proof` with one random byte of element i changed. */
const mutateByte = (proof: readonly Uint8Array[], i: number): Uint8Array[] =>
  proof.map((p, j) => {
    if (j !== i) return p;
    const q = Uint8Array.from(p);
    q[rng.int(0, 31)]! ^= rng.int(1, 255);
    return q;
  });

describe('merkleLog against the naive reference', () => {
  it('gives the reference root at every past size', () => {
    for (let n = 0; n <= MAX; n++) expect(hex(log.root(n)), `size ${n}`).toBe(hex(refRoots[n]!));
    expect(log.size).toBe(MAX);
    expect(log.leafHash(17)).toEqual(leaves[17]);
  });

  it.each(randomSizes)('size %i: every index has a log2-sized inclusion proof that verifies against the reference root', (size) => {
    for (let index = 0; index < size; index++) {
      const proof = log.inclusionProof(index, size);
      expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
      const claim = { index, size, leafHash: leaves[index]!, proof, root: refRoots[size]! };
      expect(verifyInclusion(claim), `index ${index}`).toEqual({ ok: true });
    }
  });

  it.each(randomSizes)('size %i: every index, a changed byte, a dropped or added element, another index or size is refused', (size) => {
    for (let index = 0; index < size; index++) {
      const proof = log.inclusionProof(index, size);
      const good = { index, size, leafHash: leaves[index]!, proof, root: refRoots[size]! };
      const bad: [string, typeof good][] = proof.map((_, i) => [`byte of element ${i}`, { ...good, proof: mutateByte(proof, i) }]);
      bad.push(['added element', { ...good, proof: [...proof, leaves[0]!] }]);
      bad.push(['added element first', { ...good, proof: [leaves[0]!, ...proof] }]);
      if (proof.length > 0) bad.push(['dropped last', { ...good, proof: proof.slice(0, -1) }], ['dropped first', { ...good, proof: proof.slice(1) }]);
      if (index > 0) bad.push(['index - 1', { ...good, index: index - 1 }]);
      bad.push(['index + 1', { ...good, index: index + 1 }]);
      bad.push(['other leaf', { ...good, leafHash: refLeafHash(Uint8Array.of(0xee, index & 255)) }]);
      // Another size, with the real root of that size: the proof binds the leaf to one tree.
      for (const other of [size - 1, size + 1, 2 * size]) {
        if (other > index && other <= MAX && other !== size) bad.push([`size ${other}`, { ...good, size: other, root: refRoots[other]! }]);
      }
      for (const [name, claim] of bad) expect(verifyInclusion(claim).ok, `index ${index}: ${name}`).toBe(false);
    }
  });

  it('every consistency pair up to size 64 verifies, and is refused once changed', () => {
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = log.consistencyProof(size1, size2);
        const good = { size1, size2, root1: refRoots[size1]!, root2: refRoots[size2]!, proof };
        const at = `${size1} -> ${size2}`;
        expect(verifyConsistency(good), at).toEqual({ ok: true });
        if (size1 === size2) expect(proof).toEqual([]);
        const bad: [string, typeof good][] = proof.map((_, i) => [`byte of element ${i}`, { ...good, proof: mutateByte(proof, i) }]);
        bad.push(['added element', { ...good, proof: [...proof, leaves[0]!] }]);
        if (proof.length > 0) bad.push(['dropped last', { ...good, proof: proof.slice(0, -1) }], ['dropped first', { ...good, proof: proof.slice(1) }]);
        for (const s1 of [size1 - 1, size1 + 1]) if (s1 >= 1 && s1 <= size2) bad.push([`size1 ${s1}`, { ...good, size1: s1, root1: refRoots[s1]! }]);
        for (const s2 of [size2 - 1, size2 + 1]) if (s2 >= size1) bad.push([`size2 ${s2}`, { ...good, size2: s2, root2: refRoots[s2]! }]);
        bad.push(['other root1', { ...good, root1: refRoots[size1 + 1]! }], ['other root2', { ...good, root2: refRoots[size2 + 1]! }]);
        for (const [name, claim] of bad) expect(verifyConsistency(claim).ok, `${at}: ${name}`).toBe(false);
      }
    }
  });

  it('random consistency pairs up to size 300 verify against the reference roots', () => {
    for (let i = 0; i < 2000; i++) {
      const size2 = rng.int(1, MAX);
      const size1 = rng.int(1, size2);
      const proof = log.consistencyProof(size1, size2);
      expect(proof.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size2)));
      expect(verifyConsistency({ size1, size2, root1: refRoots[size1]!, root2: refRoots[size2]!, proof }), `${size1} -> ${size2}`).toEqual({ ok: true });
    }
  });

  it('refuses bad arguments with INVALID_INPUT, and stays usable', () => {
    const l = merkleLog();
    const refusals: [string, () => unknown][] = [
      ['31-byte leaf', () => l.append(new Uint8Array(31))],
      ['string leaf', () => l.append('00'.repeat(32) as unknown as Uint8Array)],
      ['proof in an empty log', () => l.inclusionProof(0)],
      ['root beyond size', () => l.root(1)],
    ];
    for (const [name, f] of refusals) expect(() => f(), name).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    leaves.slice(0, 5).forEach((h) => l.append(h));
    for (const f of [() => l.inclusionProof(5), () => l.inclusionProof(2, 2), () => l.inclusionProof(0, 6), () => l.consistencyProof(0, 3),
      () => l.consistencyProof(4, 3), () => l.consistencyProof(1, 6), () => l.leafHash(5), () => l.root(-1), () => l.root(1.5)]) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isLedgerError(e, 'INVALID_INPUT')).toBe(true);
      }
    }
    expect(l.size).toBe(5);
    expect(l.root()).toEqual(refRoots[5]);
  });

  it('returns copies: changing a returned hash changes nothing stored', () => {
    const root = log.root(10);
    root[0]! ^= 1;
    log.inclusionProof(3, 10)[0]![0]! ^= 1;
    log.leafHash(3)[0]! ^= 1;
    expect(log.root(10)).toEqual(refRoots[10]);
    expect(verifyInclusion({ index: 3, size: 10, leafHash: leaves[3]!, proof: log.inclusionProof(3, 10), root: refRoots[10]! }).ok).toBe(true);
  });
});

describe('compactRange', () => {
  it('has the merkleLog root at every size, and survives a round trip through JSON at every size', () => {
    const range = compactRange();
    for (let n = 0; n <= MAX; n++) {
      expect(hex(range.root()), `size ${n}`).toBe(hex(refRoots[n]!));
      const state = JSON.parse(JSON.stringify(range));
      expect(state.size).toBe(n);
      const restored = compactRangeFromJSON(state);
      expect(restored.root()).toEqual(range.root());
      if (n < MAX) {
        restored.append(leaves[n]!);
        range.append(leaves[n]!);
        expect(restored.root()).toEqual(refRoots[n + 1]);
      }
    }
    expect(range.edge()).toHaveLength(4); // 300 = 0b100101100
  });

  it('refuses a state that cannot be a compact range', () => {
    const good = (() => {
      const r = compactRange();
      leaves.slice(0, 6).forEach((h) => r.append(h));
      return r.toJSON();
    })();
    const bad: [string, unknown][] = [
      ['null', null],
      ['negative size', { size: -1, hashes: [] }],
      ['fractional size', { size: 1.5, hashes: [] }],
      ['too few hashes', { size: 7, hashes: good.hashes }],
      ['too many hashes', { size: 4, hashes: good.hashes }],
      ['short hash', { size: 6, hashes: [good.hashes[0], good.hashes[1]!.slice(2)] }],
      ['not hex', { size: 6, hashes: [good.hashes[0], 'zz' + good.hashes[1]!.slice(2)] }],
      ['hash not a string', { size: 1, hashes: [32] }],
    ];
    for (const [name, state] of bad) expect(() => compactRangeFromJSON(state), name).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(compactRangeFromJSON(good).root()).toEqual(refRoots[6]);
    expect(() => compactRange().append(new Uint8Array(33))).toThrow(/32-byte/);
  });
});
