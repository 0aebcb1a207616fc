import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { ledgerTestStore } from '../helpers/ledger-store.js';
import type { EventStore } from '../../src/store/port.js';
import { sampleFacts } from '../fixtures/facts.js';
import { lyingStore, withData } from '../helpers/stores.js';
import type { SigningMode } from '../../src/seal/envelope.js';

const { DataCollected, DataUsed, ConsentGranted } = sampleFacts;
const day = (n: number) => `2026-03-${String(n).padStart(2, '0')}T09:00:00Z`;

/** A ledger holding a few facts for u-1 and u-2, recorded in one batch per subject. */
const seeded = async (mode: SigningMode = 'per-event') => {
  const store = ledgerTestStore();
  const signer = nodeSigner(randomSeed());
  const ledger = await openLedger({ store, signer, signing: mode });
  const recorded = await ledger.record([
    { ...DataCollected, at: day(1) },
    { ...DataUsed, at: day(2) },
    { ...ConsentGranted, at: day(3) },
    { ...DataCollected, subject: 'u-2', at: day(1) },
    { ...DataUsed, subject: 'u-2', at: day(2) },
  ]);
  return { store, signer, ledger, recorded };
};

const verifyThrough = async (store: EventStore, trust?: Parameters<typeof openLedger>[0]['trust']) =>
  (await openLedger({ store, trust })).verify();

describe.each(['per-event', 'per-batch'] as const)('verify, %s signing', (mode) => {
  it('finds nothing wrong with an untouched ledger', async () => {
    const { store, recorded } = await seeded(mode);
    const r = await verifyThrough(store);
    expect(r.findings).toEqual([]);
    expect(r.checked).toBe(recorded.length + 2); // + KeyRegistered + PolicyPublished
  });

  it('names the event whose stored fact had one byte changed', async () => {
    const { store, recorded } = await seeded(mode);
    const target = recorded[1]!.id;
    const lying = lyingStore(store, (e) => (e.id === target ? withData(e, (d) => (d.fact.purpose = 'provide-servicf')) : e));
    const r = await verifyThrough(lying);
    expect(r.findings.map((f) => [f.code, f.eventId])).toContainEqual(['HASH_MISMATCH', target]);
  });

  it('finds a fact changed and re-hashed by someone without the key', async () => {
    const { store, recorded } = await seeded(mode);
    const target = recorded[4]!.id; // last of u-2: signed in both modes
    const { hashOf, bodyOf } = await import('../../src/seal/envelope.js');
    const lying = lyingStore(store, (e) =>
      e.id === target
        ? withData(e, (d) => {
            d.fact.purpose = 'sell-to-brokers';
            d.hash = hashOf(bodyOf(d as never));
          })
        : e,
    );
    const r = await verifyThrough(lying);
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'BAD_SIGNATURE', eventId: target }));
    expect(r.findings.some((f) => f.code === 'HASH_MISMATCH')).toBe(false);
  });

  it('reports a dropped event as a revision gap and a broken chain, and keeps going', async () => {
    const { store, recorded } = await seeded(mode);
    const dropped = recorded[1]!.id;
    const next = recorded[2]!.id;
    const r = await verifyThrough(lyingStore(store, (e) => (e.id === dropped ? undefined : e)));
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'REVISION_GAP', eventId: next }));
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'BROKEN_CHAIN', eventId: next }));
  });

  it('reports a key nobody trusts', async () => {
    const { store, recorded } = await seeded(mode);
    const stranger = nodeSigner(randomSeed());
    const r = await verifyThrough(store, [{ keyId: stranger.keyId, publicKey: stranger.publicKey }]);
    const unknown = r.findings.filter((f) => f.code === 'UNKNOWN_KEY').map((f) => f.eventId);
    for (const rec of recorded) expect(unknown).toContain(rec.id);
  });
});

describe('verify', () => {
  it('trusts only the keys it is given: the ledger’s own key passes as a trusted .pub', async () => {
    const { store, signer } = await seeded();
    const r = await verifyThrough(store, [{ keyId: signer.keyId, publicKey: signer.publicKey }]);
    expect(r.findings).toEqual([]);
  });

  it('reports a malformed event without stopping, and every other finding after it', async () => {
    const { store, ledger, recorded } = await seeded();
    await store.append('subject-u-3', [{ id: crypto.randomUUID(), type: 'DataUsed', data: { hello: 'world' } }], 'no_stream');
    await ledger.record({ ...DataUsed, subject: 'u-4', at: day(5) });
    const target = recorded[0]!.id;
    const lying = lyingStore(store, (e) => (e.id === target ? withData(e, (d) => (d.sig = '00'.repeat(64))) : e));
    const r = await verifyThrough(lying);
    expect(r.findings.map((f) => f.code)).toEqual(['BAD_SIGNATURE', 'MALFORMED_EVENT']);
    expect(r.findings[1]!.message).toMatch(/not a sealed envelope: v: .*; ledger: .*; id: .*; .*fact/);
  });

  it('reports an event signed with a key after it was revoked', async () => {
    const store = ledgerTestStore();
    const old = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    // The admin key is endorsed by the first key: a KeyRegistered the trusted key signs.
    const adminSigner = nodeSigner(randomSeed());
    await old.record({ type: 'KeyRegistered', at: day(1), keyId: adminSigner.keyId, publicKey: Buffer.from(adminSigner.publicKey).toString('hex'), owner: 'admin' });
    const admin = await openLedger({ store, signer: adminSigner });
    await old.record({ ...DataCollected, at: day(1) });
    await admin.record({ type: 'KeyRevoked', at: day(2), keyId: old.signer!.keyId, reason: 'laptop stolen' });
    const [late] = await old.record({ ...DataUsed, at: day(3) });
    const r = await verifyThrough(store);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'REVOKED_KEY', eventId: late!.id })]);
    await expect(openLedger({ store, signer: old.signer })).rejects.toThrow(/revoked/);
  });

  it('per-batch: an unsigned envelope whose signed batch end was cut off is not covered', async () => {
    const { store, recorded } = await seeded('per-batch');
    const lastOfU1 = recorded[2]!.id;
    const r = await verifyThrough(lyingStore(store, (e) => (e.id === lastOfU1 ? undefined : e)));
    expect(r.findings.filter((f) => f.code === 'BAD_SIGNATURE').map((f) => f.eventId).sort()).toEqual([recorded[0]!.id, recorded[1]!.id].sort());
  });
});

describe('verify, per-batch: a forged unsigned envelope', () => {
  it('re-hashed by someone without the key breaks the link to the next envelope, which names it', async () => {
    const { store, recorded } = await seeded('per-batch');
    const forged = recorded[0]!.id; // first of u-1: unsigned, covered by the batch's last signature
    const { hashOf, bodyOf } = await import('../../src/seal/envelope.js');
    const lying = lyingStore(store, (e) =>
      e.id === forged
        ? withData(e, (d) => {
            d.fact.purposes = ['sell-to-brokers'];
            d.hash = hashOf(bodyOf(d as never));
          })
        : e,
    );
    const r = await verifyThrough(lying);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'BROKEN_CHAIN', eventId: recorded[1]!.id, message: expect.stringContaining(`event ${forged}`) })]);
  });
});
