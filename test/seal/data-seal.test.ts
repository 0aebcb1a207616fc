import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Fact } from '../../src/domain/facts.js';
import { openText, POOLED_SEALS, pseudonymOf, sealText, sealTexts, tagKeyOf, tagOf } from '../../src/seal/data-seal.js';
import { cryptoPool } from '../../src/seal/crypto-pool.js';
import { chain, hashOf, bodyOf, decodeEnvelope } from '../../src/seal/envelope.js';
import { planSeal, unsealFact, type SealingKey } from '../../src/seal/fact-sealing.js';
import type { DataKey } from '../../src/store/key-store.js';
import * as E from 'fp-ts/lib/Either.js';

const key = (id = 'dk-1'): DataKey => ({ keyId: id, subject: 'ps-x', key: Uint8Array.from(randomBytes(32)) });
const sealing = (k: DataKey) => ({ key: k, tagKey: tagKeyOf(k.key) });
/** A fact sealed as the ledger seals it: planned, then its box sealed under the key, bound to the envelope id. */
const sealFact = (fact: Fact, pseudonym: (subject: string) => string, key: SealingKey, eventId: string) => {
  const plan = planSeal(fact, pseudonym, key);
  return { fact: plan.fact, sealed: plan.hidden === undefined ? undefined : sealText(key.key, plan.hidden, eventId) };
};
const disclosed = {
  type: 'DataDisclosed', at: '2026-03-01T09:00:00Z', subject: 'u-1', categories: ['user.contact.email'], recipient: 'Dr Roe', reason: 'court-order', legalRef: 'case of Jane Roe', actor: 'legal',
} as unknown as Fact;

describe('sealed boxes (AES-256-GCM)', () => {
  it('open under their key and envelope id only: another key, another envelope, a changed byte, a cut tag all fail', () => {
    const k = key();
    const box = sealText(k, 'Jane Roe', 'event-1');
    expect(openText(k, box, 'event-1')).toBe('Jane Roe');
    expect(openText(key('dk-1'), box, 'event-1')).toBeUndefined(); // same id, other bytes
    expect(openText(k, box, 'event-2')).toBeUndefined(); // moved to another envelope
    const bytes = Buffer.from(box.box, 'base64url');
    bytes[0]! ^= 1;
    expect(openText(k, { ...box, box: bytes.toString('base64url') }, 'event-1')).toBeUndefined();
    expect(openText(k, { ...box, box: box.box.slice(0, 8) }, 'event-1')).toBeUndefined();
    expect(openText(k, { ...box, key: 'dk-2' }, 'event-1')).toBeUndefined(); // the key id is bound too
  });

  it('never repeat a nonce, so equal plaintexts give unequal boxes', () => {
    const k = key();
    const nonces = new Set(Array.from({ length: 5000 }, () => sealText(k, 'same', 'e').nonce));
    expect(nonces.size).toBe(5000);
  });
});

describe('sealing many boxes at once (sealTexts, on the crypto pool from POOLED_SEALS texts)', () => {
  it('gives each text its own box under its own key and envelope id, on the pool and on this thread alike', async () => {
    const [a, b] = [key('dk-a'), key('dk-b')];
    for (const n of [3, POOLED_SEALS, 200]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: i % 3 === 0 ? b : a, plain: `{"subject":"u-${i}"}`, aad: `event-${i}` }));
      const boxes = await sealTexts(items);
      expect(boxes).toHaveLength(n);
      boxes.forEach((box, i) => {
        const { key: k, plain, aad } = items[i]!;
        expect(box.key).toBe(k.keyId);
        expect(openText(k, box, aad)).toBe(plain);
        expect(openText(k === a ? b : a, { ...box, key: k.keyId }, aad)).toBeUndefined(); // the other key's bytes
        expect(openText(k, box, `event-${i + 1}`)).toBeUndefined(); // another envelope's
      });
      expect(new Set(boxes.map((x) => x.nonce)).size).toBe(n);
    }
  });

  it('refuses a text that would break the packing, naming it, before anything is sealed', async () => {
    const k = key();
    const many = (bad: { plain?: string; aad?: string }) =>
      Array.from({ length: POOLED_SEALS }, (_, i) => ({ key: k, plain: i === 5 && bad.plain !== undefined ? bad.plain : '{"a":1}', aad: i === 5 && bad.aad !== undefined ? bad.aad : `e-${i}` }));
    await expect(sealTexts(many({ plain: '{"a":"x"}\n{"b":1}' }))).rejects.toThrow(/sealing item 5: .*newline/);
    await expect(sealTexts(many({ aad: 'e\t5' }))).rejects.toThrow(/sealing item 5: .*tab/);
    expect(() => sealText(k, 'two\nlines', 'e')).toThrow(/sealing item 0/);
  });

  it('a pool worker refuses a line that is not "index, tab, data, tab, text" or names no 32-byte key', async () => {
    const pool = cryptoPool(1);
    try {
      await expect(pool.seal([randomBytes(32)], '0\te\t{}\nno tabs here')).rejects.toThrow(/crypto worker: sealLines: line 1 /);
      await expect(pool.seal([randomBytes(16)], '0\te\t{}')).rejects.toThrow(/32-byte key/);
      await expect(pool.seal([randomBytes(32)], '1\te\t{}')).rejects.toThrow(/line 0/);
      expect((await pool.seal([randomBytes(32)], '0\te\t{}')).split('\t')).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });
});

describe('pseudonyms and tags', () => {
  it('a pseudonym depends on the ledger secret; a tag on the subject key: without them a guess cannot be checked', () => {
    const [a, b] = [Uint8Array.from(randomBytes(32)), Uint8Array.from(randomBytes(32))];
    expect(pseudonymOf(a, 'u-1')).toBe(pseudonymOf(a, 'u-1'));
    expect(pseudonymOf(a, 'u-1')).not.toBe(pseudonymOf(b, 'u-1'));
    expect(pseudonymOf(a, 'u-1')).toMatch(/^ps-[0-9a-f]{32}$/);
    const [k1, k2] = [tagKeyOf(key().key), tagKeyOf(key().key)];
    expect(tagOf(k1, 'Dr Roe')).toBe(tagOf(k1, 'Dr Roe'));
    expect(tagOf(k1, 'Dr Roe')).not.toBe(tagOf(k2, 'Dr Roe'));
  });

  it('a sealed fact holds no personal field in clear, keeps what the rules judge, and unseals to the original', () => {
    const k = key();
    const { fact, sealed } = sealFact(disclosed, () => 'ps-00000000000000000000000000000001', sealing(k), 'event-1');
    const text = JSON.stringify(fact);
    for (const s of ['u-1', 'Dr Roe', 'Jane Roe', 'legal"']) expect(text).not.toContain(s);
    expect(fact).toMatchObject({ type: 'DataDisclosed', categories: ['user.contact.email'], reason: 'court-order', at: disclosed.at });
    expect(unsealFact(fact, sealed!, k, 'event-1')).toEqual(disclosed);
    expect(unsealFact(fact, sealed!, key(), 'event-1')).toBeUndefined();
  });

  it('the envelope hash covers the box: a box swapped or changed is another hash', () => {
    const k = key();
    const s1 = sealFact(disclosed, () => 'ps-00000000000000000000000000000001', sealing(k), 'e1');
    const [env] = chain([s1.fact], { ledger: 'test.local/x', stream: 'subject-ps-00000000000000000000000000000001', head: undefined, keyId: 'k', recordedAt: disclosed.at, ids: ['0190a000-0000-7000-8000-000000000001'], sealed: [s1.sealed] });
    expect(env!.sealed).toEqual(s1.sealed);
    expect(E.isRight(decodeEnvelope(JSON.parse(JSON.stringify(env))))).toBe(true);
    const other = sealText(k, '{"subject":"u-2"}', 'e1');
    expect(hashOf({ ...bodyOf(env!), sealed: other })).not.toBe(env!.hash);
    expect(hashOf(bodyOf({ ...env!, sealed: undefined } as never))).not.toBe(env!.hash);
  });
});
