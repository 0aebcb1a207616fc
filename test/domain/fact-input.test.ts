import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeFactInput, normaliseOffset, personalDataIn } from '../../src/domain/fact-input.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import { sampleFacts } from '../fixtures/facts.js';

const { DataUsed, DataDisclosed, IncidentDetected } = sampleFacts;
const now = Date.parse('2026-03-10T00:00:00Z');
const fieldsOf = (u: unknown, tolerance?: number) => {
  const r = decodeFactInput(u, { now, ...(tolerance === undefined ? {} : { futureToleranceMs: tolerance }) });
  return E.isLeft(r) ? r.left.map((e) => `${e.field}: ${e.message}`) : [];
};

describe('times with an offset', () => {
  it('are normalised to the UTC instant they name, the fraction kept', () => {
    expect(normaliseOffset('2026-11-01T10:00:00+02:00')).toBe('2026-11-01T08:00:00Z');
    expect(normaliseOffset('2026-11-01T01:00:00.250+0200')).toBe('2026-10-31T23:00:00.250Z');
    expect(normaliseOffset('2026-11-01T20:00:00-05:30')).toBe('2026-11-02T01:30:00Z');
    const r = decodeFactInput({ ...DataDisclosed, at: '2026-03-01T11:00:00+02:00', noticeDeferredUntil: '2026-05-01T00:00:00-01:00' }, { now });
    expect(E.isRight(r) && [r.right.at, (r.right as { noticeDeferredUntil?: string }).noticeDeferredUntil]).toEqual(['2026-03-01T09:00:00Z', '2026-05-01T01:00:00Z']);
  });

  it('are refused, naming the field, when the offset or the date is not real', () => {
    expect(fieldsOf({ ...DataUsed, at: '2026-03-01T11:00:00+15:00' })).toEqual([expect.stringMatching(/^at: expected IsoTimestamp/)]);
    expect(fieldsOf({ ...DataUsed, at: '2026-02-30T11:00:00+02:00' })).toEqual([expect.stringMatching(/^at: /)]);
    expect(fieldsOf({ ...DataUsed, at: '2026-03-01 11:00:00' })).toEqual([expect.stringMatching(/^at: /)]);
  });
});

describe('ids that are personal data', () => {
  it('are refused: an email address or a phone number as subject, staff or affected subject', () => {
    expect(fieldsOf({ ...DataUsed, subject: 'jane.doe@example.com' })).toEqual([expect.stringMatching(/^subject: "jane.doe@example.com" looks like an email address/)]);
    expect(fieldsOf({ ...DataUsed, subject: '4915112345678' })).toEqual([expect.stringMatching(/^subject: .* looks like a phone number/)]);
    expect(fieldsOf({ ...sampleFacts.PersonnelAccessed, staff: 'jo@corp.example' })).toEqual([expect.stringMatching(/^staff: /)]);
    expect(fieldsOf({ ...IncidentDetected, subjects: ['u-1', '555-123-4567'] })).toEqual([expect.stringMatching(/^subjects\.1: .* phone number/)]);
    for (const phone of ['+4915112345678', '0151123456789', '030.1234.5678', '555-123-4567']) expect(personalDataIn(phone), phone).toBe('looks like a phone number');
  });

  it('pseudonyms pass: prefixed, short numeric, or with an @ that is not an address', () => {
    for (const id of ['u-42', 'u-0000', '1234567', 'tenant:u-9', 'svc@eu', 'c-4915112345678']) expect(personalDataIn(id), id).toBeUndefined();
  });
});

describe('a fact from the future', () => {
  it('is refused beyond the tolerance, accepted within it', () => {
    expect(fieldsOf({ ...DataUsed, at: '2026-03-10T00:10:00Z' })).toEqual([expect.stringMatching(/^at: 2026-03-10T00:10:00Z lies more than 300 s in the future/)]);
    expect(fieldsOf({ ...DataUsed, at: '2026-03-10T00:04:00Z' })).toEqual([]);
    expect(fieldsOf({ ...DataUsed, at: '2026-03-10T00:04:00Z' }, 60_000)).toHaveLength(1);
  });

  it('is refused by record(), which appends nothing of the call', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await expect(ledger.record([sampleFacts.DataCollected, { ...DataUsed, at: tomorrow }])).rejects.toMatchObject({
      code: 'INVALID_FACT',
      details: { errors: [expect.objectContaining({ index: 1, field: 'at' })] },
    });
    await expect(ledger.record({ ...DataUsed, subject: 'jane@example.com' })).rejects.toMatchObject({ code: 'INVALID_FACT' });
    const [r] = await ledger.record({ ...sampleFacts.DataCollected, at: '2026-03-01T10:00:00+01:00' });
    expect((await ledger.explain(r!.id)).fact.at).toBe('2026-03-01T09:00:00Z');
  });
});
