// Our own committed vectors (test/vectors/checkpoints.json): the file is what the code
// produces today, and every entry checks with the verifiers, read from the file alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, verifyCosignature } from '../../src/seal/checkpoint.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/seal/merkle.js';
import { compactRange } from '../../src/seal/compact-range.js';
import { ed25519NoteVerifier } from '../../src/seal/note.js';
import { naclSigner } from '../../src/seal/signers.js';
import { vectorsText } from '../vectors/generate.js';
import { fromHex, hex } from './merkle-reference.js';

const PATH = join(import.meta.dirname, '../vectors/checkpoints.json');
if (process.env.REGENERATE_VECTORS === '1') writeFileSync(PATH, vectorsText());
const text = readFileSync(PATH, 'utf8');

interface Vectors {
  log: { origin: string; seed: string; publicKey: string; verifierKey: string };
  witness: { name: string; seed: string; publicKey: string; verifierKey: string };
  leaves: { data: string; leafHash: string }[];
  rootsBySize: string[];
  checkpoints: { size: number; root: string; body: string; note: string; timestamp: number; cosigned: string }[];
  inclusion: { index: number; size: number; leafHash: string; root: string; proof: string[] }[];
  consistency: { size1: number; size2: number; root1: string; root2: string; proof: string[] }[];
  mustReject: { desc: string; verifier: 'log' | 'witness'; note: string }[];
}
const v = JSON.parse(text) as Vectors;
const logVerifier = ed25519NoteVerifier(v.log.verifierKey);
const open = (note: string) => openCheckpoint(note, { origin: v.log.origin, verifiers: [logVerifier] });

describe('test/vectors/checkpoints.json', () => {
  it('is exactly what the code produces (REGENERATE_VECTORS=1 rewrites it)', () => {
    expect(text).toBe(vectorsText());
  });

  it('keys: the seeds give the public keys', () => {
    expect(hex(naclSigner(fromHex(v.log.seed)).publicKey)).toBe(v.log.publicKey);
    expect(hex(naclSigner(fromHex(v.witness.seed)).publicKey)).toBe(v.witness.publicKey);
  });

  it('leaves and roots: leaf hashes of the data, and a compact range reaches every root', () => {
    const range = compactRange();
    expect(hex(range.root())).toBe(v.rootsBySize[0]);
    v.leaves.forEach((l, i) => {
      expect(hex(leafHash(fromHex(l.data)))).toBe(l.leafHash);
      range.append(fromHex(l.leafHash));
      expect(hex(range.root())).toBe(v.rootsBySize[i + 1]);
    });
  });

  it('checkpoints open with the log key, carry the root of their size, and are cosigned at their timestamp', () => {
    expect(v.checkpoints.map((c) => c.size)).toEqual([0, 1, 7, 8, 21]);
    for (const c of v.checkpoints) {
      const opened = open(c.note);
      expect(opened.ok, `size ${c.size}`).toBe(true);
      if (opened.ok) {
        expect(hex(opened.value.checkpoint.root)).toBe(v.rootsBySize[c.size]);
        expect(opened.value.note.text).toBe(c.body);
      }
      expect(open(c.cosigned).ok).toBe(true);
      expect(verifyCosignature(c.cosigned, v.witness.verifierKey)).toMatchObject({ ok: true, value: { timestamp: c.timestamp } });
    }
  });

  it('every inclusion and consistency proof verifies', () => {
    expect(v.inclusion).toHaveLength(7 + 8 + 21);
    for (const p of v.inclusion) {
      const r = verifyInclusion({ index: p.index, size: p.size, leafHash: fromHex(p.leafHash), root: fromHex(p.root), proof: p.proof.map(fromHex) });
      expect(r, `${p.index} in ${p.size}`).toEqual({ ok: true });
    }
    for (const p of v.consistency) {
      const r = verifyConsistency({ size1: p.size1, size2: p.size2, root1: fromHex(p.root1), root2: fromHex(p.root2), proof: p.proof.map(fromHex) });
      expect(r, `${p.size1} -> ${p.size2}`).toEqual({ ok: true });
    }
  });

  it.each(v.mustReject.map((r) => [r.desc, r] as const))('refuses a note with %s', (_desc, r) => {
    const result = r.verifier === 'log' ? open(r.note) : verifyCosignature(r.note, v.witness.verifierKey);
    expect(result.ok).toBe(false);
  });
});
