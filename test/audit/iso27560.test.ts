import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { consentRecords, type Iso27560Document } from '../../src/audit/iso27560.js';
import { isLedgerError } from '../../src/domain/errors.js';
import { S1, collected, consented, fold, t, withdrew } from '../projection/given.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/iso27560-consent-records.schema.json'), 'utf8'));
const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
const validate = ajv.compile(schema);
const errorsOf = (doc: unknown): string[] => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

const g1 = consented({ at: t(1), purposes: ['personalization', 'newsletter'], recipients: ['acme-analytics'] });
const w1 = withdrew({ at: t(5), purposes: ['personalization'] });
const g2 = consented({ at: t(9), purposes: ['personalization'] });
const state = fold([collected({ at: t(0), categories: ['user.contact', 'user.behavior.browsing_history'] }), g1, w1, g2, consented({ subject: 'subj-2', at: t(2) })]);
const options = { at: t(20), controller: { id: 'acme-ltd', name: 'Acme Ltd' }, withdrawalMethod: 'Privacy settings, "Consents" page, or privacy@acme.example' };
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('ISO/IEC TS 27560 consent records', () => {
  const doc = consentRecords(state, { ...options, subject: S1 });

  it('validates against the JSON Schema in the repository', () => {
    expect(errorsOf(doc)).toEqual([]);
    expect(errorsOf(consentRecords(state, options))).toEqual([]);
    expect(consentRecords(state, options).records.map((r) => r.piiPrincipalId)).toEqual([S1, S1, 'subj-2']);
  });

  it('keeps every state change, with its time, who expressed it, how, and the ledger event proving it', () => {
    const r = doc.records.find((x) => x.purposes[0].purposeId === 'personalization')!;
    expect(r.events.map((e) => [e.status, e.time, e.eventId])).toEqual([
      ['dpv:ConsentGiven', t(1), g1.id],
      ['dpv:ConsentWithdrawn', t(5), w1.id],
      ['dpv:ConsentGiven', t(9), g2.id],
    ]);
    expect(r.events[0]).toMatchObject({ indicatedBy: { id: S1, role: 'dpv:DataSubject' }, indicationMethod: 'settings-toggle', policyVersion: 'seed-1', recipients: ['acme-analytics'] });
    expect(r.events[0]!.eventHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.status).toBe('dpv:ConsentGiven');
    expect(r).toMatchObject({ piiPrincipalId: S1, createdAt: t(1), updatedAt: t(9), notice: { policyVersion: 'seed-1' }, controller: { id: 'acme-ltd', name: 'Acme Ltd', role: 'dpv:DataController' } });
    expect(r.purposes[0]).toEqual({
      purposeId: 'personalization',
      dpvPurpose: 'dpv:ServicePersonalisation',
      legalBasis: 'dpv:Consent',
      personalDataCategories: ['user.behavior.browsing_history', 'user.contact'],
      recipients: ['acme-analytics'],
    });
    expect(r.withdrawalMethod).toBe(options.withdrawalMethod);
  });

  it('judges the state at the evaluation time, and leaves out what came after it', () => {
    const then = consentRecords(state, { ...options, subject: S1, at: t(6) });
    const r = then.records.find((x) => x.purposes[0].purposeId === 'personalization')!;
    expect(r.status).toBe('dpv:ConsentWithdrawn');
    expect(r.events).toHaveLength(2);
    expect(consentRecords(state, { ...options, subject: S1, at: t(0) }).records).toEqual([]);
    const other = doc.records.find((x) => x.purposes[0].purposeId === 'newsletter')!;
    expect(other.purposes[0].dpvPurpose).toBe('dpv:Purpose');
  });

  it('gives a record the same id in every export, and a different one per controller', () => {
    const again = consentRecords(state, { ...options, subject: S1 });
    expect(again.records.map((r) => r.recordId)).toEqual(doc.records.map((r) => r.recordId));
    const other = consentRecords(state, { ...options, subject: S1, controller: { id: 'other-controller' } });
    expect(other.records[0]!.recordId).not.toBe(doc.records[0]!.recordId);
  });

  it('refuses a record without its controller or its withdrawal method', () => {
    for (const o of [{ ...options, controller: { id: ' ' } }, { ...options, withdrawalMethod: '' }]) {
      let err: unknown;
      try {
        consentRecords(state, o);
      } catch (e) {
        err = e;
      }
      expect(isLedgerError(err, 'INVALID_INPUT')).toBe(true);
    }
  });

  it('the schema refuses records that lose what ISO/IEC TS 27560 asks for', () => {
    const broken: [string, (d: { records: Record<string, unknown>[] }) => void][] = [
      ['no withdrawal method', (d) => delete d.records[0]!.withdrawalMethod],
      ['no controller', (d) => delete d.records[0]!.controller],
      ['a state that is not a DPV consent status', (d) => (d.records[0]!.status = 'granted')],
      ['a purpose without DPV term', (d) => ((d.records[0]!.purposes as Record<string, unknown>[])[0]!.dpvPurpose = 'personalization')],
      ['a legal basis other than consent', (d) => ((d.records[0]!.purposes as Record<string, unknown>[])[0]!.legalBasis = 'dpv:Contract')],
      ['no events', (d) => (d.records[0]!.events = [])],
      ['a time that is not UTC', (d) => ((d.records[0]!.events as Record<string, unknown>[])[0]!.time = '2026-03-02T01:00:00+01:00')],
      ['a grant without its method', (d) => delete (d.records[0]!.events as Record<string, unknown>[])[0]!.indicationMethod],
      ['a field the schema does not know', (d) => (d.records[0]!.extra = 1)],
      ['a record id that is not a name-based UUID URN', (d) => (d.records[0]!.recordId = 'record-1')],
    ];
    for (const [what, breakIt] of broken) {
      const d = clone(doc) as unknown as { records: Record<string, unknown>[] } & Iso27560Document;
      breakIt(d);
      expect(errorsOf(d), what).not.toEqual([]);
    }
  });
});
