import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import { sampleFacts } from '../fixtures/facts.js';

const { DataCollected, DataUsed } = sampleFacts;

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
    // A collection is judged only by whether it was recorded in time.
    expect(await ledger.explain(collected!.id)).toMatchObject({ verdict: 'ok', rules: [{ code: 'RECORDED_LATE' }], type: 'DataCollected' });
  });

  it('refuses an id that is not a UUID, and one the ledger does not hold', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    await expect(ledger.explain('u-1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(ledger.explain('01900000-0000-7000-8000-00000000dead')).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
  });
});
