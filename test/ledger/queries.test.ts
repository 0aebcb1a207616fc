import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/store/memory.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { ledgerTestStore } from '../helpers/ledger-store.js';
import { sampleFacts } from '../fixtures/facts.js';
import { manualClock } from '../helpers/clock.js';

const { DataCollected, ConsentGranted, ConsentWithdrawn, DataUsed } = sampleFacts;

// The service-facing queries: each answers from facts recorded since the last call, by any writer.
describe('ledger queries', () => {
  it('check() answers before the fact, and changes its answer once a consent is recorded — by another writer too', async () => {
    const store = ledgerTestStore();
    const seed = randomSeed();
    const service = await openLedger({ store, signer: nodeSigner(seed) });
    const consents = await openLedger({ store, signer: nodeSigner(seed) });
    await service.record(DataCollected);
    const use = { ...DataUsed, purpose: 'personalization', at: '2026-03-05T00:00:00Z' };
    const before = await service.check(use);
    expect(before).toMatchObject({ verdict: 'violation', codes: ['PURPOSE_NOT_DECLARED'] });
    const [grant] = await consents.record({ ...ConsentGranted, at: '2026-03-02T00:00:00Z' });
    const after = await service.check(use);
    expect(after).toMatchObject({ verdict: 'ok', basis: 'consent' });
    expect(after.proof.map((p) => p.eventId)).toContain(grant!.id);
    expect((await service.verify()).checked).toBe(4); // the key, the policy, two facts: check() recorded nothing
  });

  it('consentAt() follows grants and withdrawals in time; policyAt() names the policy in force', async () => {
    const clock = manualClock('2026-03-01T00:00:00Z');
    const ledger = await openLedger({ store: ledgerTestStore(), signer: nodeSigner(randomSeed()), clock: clock.now });
    clock.set('2026-03-02T00:00:00Z');
    const [grant] = await ledger.record({ ...ConsentGranted, at: '2026-03-02T00:00:00Z' });
    clock.set('2026-03-04T00:00:00Z');
    const [withdrawal] = await ledger.record({ ...ConsentWithdrawn, at: '2026-03-04T00:00:00Z' });
    expect(await ledger.consentAt('u-1', 'personalization', '2026-03-01T00:00:00Z')).toMatchObject({ state: 'none' });
    const granted = await ledger.consentAt('u-1', 'personalization', '2026-03-03T00:00:00Z');
    expect(granted).toMatchObject({ state: 'granted', evidence: [expect.objectContaining({ eventId: grant!.id })] });
    const withdrawn = await ledger.consentAt('u-1', 'personalization', '2026-03-05T00:00:00Z');
    expect(withdrawn.state).toBe('withdrawn');
    expect(withdrawn.evidence.map((e) => e.eventId)).toContain(withdrawal!.id);
    const policy = await ledger.policyAt('2026-03-05T00:00:00Z');
    expect(policy.policy.version).toBe('seed-1');
    expect(policy.publishedBy?.type).toBe('PolicyPublished');
  });

  it('disclosureRegister() lists each disclosure by reason and recipient with its notice status', async () => {
    const ledger = await openLedger({ store: ledgerTestStore(), signer: nodeSigner(randomSeed()) });
    await ledger.record([DataCollected, { ...sampleFacts.DataDisclosed, legalRef: 'case 7', noticeDeferredUntil: undefined, deferralRef: undefined }]);
    const register = await ledger.disclosureRegister('2026-03-10T00:00:00Z');
    const court = register.byReason.find((r) => r.reason === 'court-order')!;
    expect(court).toMatchObject({ lawful: true, count: 1 });
    expect(court.byRecipient[0]!.disclosures[0]!.notice.status).toBe('pending');
    const late = await ledger.disclosureRegister('2026-05-01T00:00:00Z');
    expect(late.byReason.find((r) => r.reason === 'court-order')!.byRecipient[0]!.disclosures[0]!.notice.status).toBe('overdue');
  });

  it('refuses a time that is not one with a LedgerError INVALID_INPUT, from every query', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    await ledger.record(DataCollected);
    const refused = { name: 'LedgerError', code: 'INVALID_INPUT', message: expect.stringContaining('not-a-date') };
    await expect(ledger.consentAt('u-1', 'personalization', 'not-a-date')).rejects.toMatchObject(refused);
    await expect(ledger.policyAt('not-a-date')).rejects.toMatchObject(refused);
    await expect(ledger.disclosureRegister('not-a-date')).rejects.toMatchObject(refused);
    await expect(ledger.subjectReport('u-1', 'not-a-date')).rejects.toMatchObject(refused);
    await expect(ledger.check(DataUsed, 'not-a-date')).rejects.toMatchObject(refused);
    await expect(ledger.audit({ at: 'not-a-date' })).rejects.toMatchObject(refused);
    await expect(ledger.consentAt('u-1', 'personalization', new Date(NaN))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
