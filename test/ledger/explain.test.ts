import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryKeyStore } from '../../src/store/key-store.js';
import { memoryStore } from '../../src/store/memory.js';
import { sampleFacts } from '../fixtures/facts.js';
import { lyingStore, withData } from '../helpers/stores.js';

const { DataCollected, DataUsed, ConsentGranted } = sampleFacts;

describe('ledger.explain(id)', () => {
  it('gives a lawful use grouped with others in the audit its own verdict, basis and proof', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    const [collected, , second] = await ledger.record([DataCollected, DataUsed, { ...DataUsed, at: '2026-03-02T09:00:00Z' }], { backfill: true });
    const { report } = await ledger.audit({ at: '2026-03-10T00:00:00Z' });
    expect(report.uses.map((u) => u.eventId)).not.toContain(second!.id); // grouped under the first
    const e = await ledger.explain(second!.id, '2026-03-10T00:00:00Z');
    expect(e).toMatchObject({ eventId: second!.id, type: 'DataUsed', verdict: 'ok', basis: 'collection-purpose', violations: [] });
    expect(e.basisText).toContain('collected for');
    expect(e.proof.map((p) => p.eventId)).toContain(collected!.id);
    expect(e.rules.map((r) => r.code)).toContain('PURPOSE_NOT_DECLARED');
    expect(e.integrity.findings).toEqual([]);
  });

  it('names a violation with the rule’s text and no proof; a fact no rule judges is unjudged', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    const [collected, bad] = await ledger.record([DataCollected, { ...DataUsed, purpose: 'personalization' }], { backfill: true });
    const e = await ledger.explain(bad!.id.toUpperCase());
    expect(e).toMatchObject({ verdict: 'violation', proof: [], violations: [{ code: 'PURPOSE_NOT_DECLARED', rule: expect.stringContaining('no consent covers that purpose') }] });
    expect(e.basis).toBeUndefined();
    // A collection is judged by how long it is kept, and whether it was recorded in time.
    expect(await ledger.explain(collected!.id)).toMatchObject({ verdict: 'ok', rules: [{ code: 'RETENTION_EXCEEDED' }, { code: 'RECORDED_LATE' }], type: 'DataCollected' });
  });

  it('refuses an id that is not a UUID, and one the ledger does not hold', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    await expect(ledger.explain('u-1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(ledger.explain('01900000-0000-7000-8000-00000000dead')).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
  });
});

describe('ledger.explain(id) judges what verify and audit judge', () => {
  it('a consent whose row was changed is not folded: the use resting on it is a violation, the consent unjudged', async () => {
    const signer = nodeSigner(randomSeed());
    const inner = memoryStore();
    const writer = await openLedger({ store: inner, signer });
    const [, consent, use] = await writer.record([DataCollected, ConsentGranted, { ...DataUsed, purpose: 'personalization' }], { backfill: true });
    // The attacker widens the consent's purposes in the stored row, hoping the use reads as lawful.
    const store = lyingStore(inner, (e) => (e.id === consent!.id ? withData(e, (d) => { d.fact.purposes = ['personalization', 'ads']; }) : e));
    const reader = await openLedger({ store, trust: [{ keyId: signer.keyId, publicKey: signer.publicKey }] });
    const { integrity, report } = await reader.audit({ at: '2026-03-10T00:00:00Z', keepEveryVerdict: true });
    expect(integrity.findings.map((f) => [f.code, f.eventId])).toEqual([['HASH_MISMATCH', consent!.id]]);
    const audited = report.violations.filter((v) => v.eventId === use!.id).map((v) => v.code);
    expect(audited).toEqual(['PURPOSE_NOT_DECLARED']);

    const e = await reader.explain(use!.id, '2026-03-10T00:00:00Z');
    expect(e.violations.map((v) => v.code)).toEqual(audited);
    expect(e).toMatchObject({ verdict: 'violation', proof: [] });
    expect(e.integrity.findings.map((f) => f.eventId)).toEqual([consent!.id]);
    const c = await reader.explain(consent!.id, '2026-03-10T00:00:00Z');
    expect(c).toMatchObject({ verdict: 'unjudged', proof: [], violations: [] });
    expect(c.rules.length).toBeGreaterThan(0); // its type is judged; this event is not, as it does not verify
  });
});

describe('ledger.explain(id) with a key store', () => {
  const ALICE = 'alice-5k2w';
  const BOB = 'bob-8r1t';
  const ACTOR = 'agent Alice-Helper';
  const RECIPIENT = 'Dr-Jane-Roe-Clinic';
  const facts = (subject: string, actor: string) => [
    { ...DataCollected, subject, actor },
    { ...ConsentGranted, subject, recipients: [RECIPIENT] },
    { ...DataUsed, subject, actor },
  ];
  const open = async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()), keyStore: memoryKeyStore() });
    const alice = await ledger.record(facts(ALICE, ACTOR), { backfill: true });
    await ledger.record(facts(BOB, 'bob-job'), { backfill: true });
    const [incident] = await ledger.record({ ...sampleFacts.IncidentDetected, subjects: [ALICE, BOB] }, { backfill: true });
    return { ledger, alice, incident: incident! };
  };

  it('shows the fact opened, as the subject report does, while the stored row stays sealed', async () => {
    const { ledger, alice, incident } = await open();
    const use = alice[2]!;
    const e = await ledger.explain(use.id, '2026-03-10T00:00:00Z');
    expect(e.fact).toMatchObject({ type: 'DataUsed', subject: ALICE, actor: ACTOR });
    expect(e.erased).toBeUndefined();
    expect(JSON.stringify(e.fact)).not.toMatch(/sealed:|ps-[0-9a-f]{32}/);
    expect(e.stream).toMatch(/^subject-ps-[0-9a-f]{32}$/); // where it is sealed, as stored
    const consent = await ledger.explain(alice[1]!.id);
    expect(consent.fact).toMatchObject({ recipients: [RECIPIENT] });
    // Opened for the reader only: what the store holds names no one.
    let stored = '';
    for await (const ev of ledger.readAll()) stored += JSON.stringify(ev.data);
    expect(stored).not.toContain(ALICE);
    expect(stored).not.toContain(ACTOR);
    // A fact about several subjects shows each by its id.
    expect((await ledger.explain(incident.id)).fact).toMatchObject({ subjects: [ALICE, BOB] });
  });

  it('says an erased subject is erased, and shows nothing personal of it', async () => {
    const { ledger, alice, incident } = await open();
    const { pseudonym } = await ledger.erase(ALICE, '2026-03-09T00:00:00Z');
    for (const r of alice) {
      const e = await ledger.explain(r.id, '2026-03-10T00:00:00Z');
      expect(e.erased).toBe(true);
      expect(e.fact).toMatchObject({ subject: pseudonym });
      const text = JSON.stringify(e);
      for (const s of [ALICE, ACTOR, RECIPIENT]) expect(text.includes(s), `explain still shows "${s}"`).toBe(false);
    }
    // Beside the others: the erased one stays its pseudonym, the other is shown.
    const both = await ledger.explain(incident.id);
    expect(both.erased).toBeUndefined();
    expect(both.fact).toMatchObject({ subjects: [pseudonym, BOB] });
  });
});
