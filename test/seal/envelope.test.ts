import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/seal/canonical.js';
import { bodyOf, canonicalBody, chain, chainWithText, envelopeJson, GENESIS, hashOf } from '../../src/seal/envelope.js';
import { sha256Hex } from '../../src/seal/hash.js';
import { sampleFacts } from '../fixtures/facts.js';
import type { Fact } from '../../src/domain/facts.js';

const facts = Object.values(sampleFacts) as Fact[];
const ctx = { ledger: 'test.local/envelope', stream: 'subject-ü-1', head: undefined, keyId: 'k-1', recordedAt: '2026-03-01T00:00:00.123Z', ids: facts.map((_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`) };

describe('the envelope', () => {
  it('hashes the RFC 8785 canonical JSON of its body: the written-out form equals the general one', () => {
    for (const { envelope } of chainWithText(facts, ctx)) {
      const body = bodyOf(envelope);
      expect(canonicalBody(body)).toBe(canonicalize(body));
      expect(envelope.hash).toBe(sha256Hex(canonicalize(body)));
    }
  });

  it('chains each envelope to the previous hash, from zeros at genesis, with 0-based revisions', () => {
    const envs = chain(facts.slice(0, 3), ctx);
    expect(envs.map((e) => [e.revision, e.prev])).toEqual([
      [0, GENESIS],
      [1, envs[0]!.hash],
      [2, envs[1]!.hash],
    ]);
    const next = chain(facts.slice(3, 4), { ...ctx, head: { revision: 2, hash: envs[2]!.hash } });
    expect([next[0]!.revision, next[0]!.prev]).toEqual([3, envs[2]!.hash]);
  });

  it('changes its hash when any byte of the fact or its place changes', () => {
    const [e] = chain(facts.slice(0, 1), ctx);
    const body = bodyOf(e!);
    expect(hashOf({ ...body, revision: 1 })).not.toBe(e!.hash);
    expect(hashOf({ ...body, fact: { ...body.fact, at: '2026-03-01T09:00:01Z' } as Fact })).not.toBe(e!.hash);
  });

  it('stores as JSON text that parses back to the envelope, signed or not', () => {
    const [{ envelope, bodyText }] = chainWithText(facts.slice(0, 1), ctx);
    expect(JSON.parse(envelopeJson(bodyText, envelope.hash, undefined))).toEqual(envelope);
    const sig = 'ab'.repeat(64);
    expect(JSON.parse(envelopeJson(bodyText, envelope.hash, sig))).toEqual({ ...envelope, sig });
  });
});
