import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeFact, factTypes } from '../../src/domain/facts.js';
import { covers, uncovered } from '../../src/domain/categories.js';
import { streamOf } from '../../src/domain/streams.js';
import { seedPolicy } from '../../src/domain/policy.js';
import { brokenFacts, sampleFacts } from '../fixtures/facts.js';

describe('the fact catalog', () => {
  it('has a sample and a broken fixture for every type', () => {
    expect(Object.keys(sampleFacts).sort()).toEqual([...factTypes].sort());
    expect(Object.keys(brokenFacts).sort()).toEqual([...factTypes].sort());
  });

  it.each(factTypes)('decodes a valid %s unchanged', (type) => {
    const r = decodeFact(sampleFacts[type]);
    expect(E.isRight(r) && r.right).toEqual(sampleFacts[type]);
  });

  it.each(factTypes)('refuses a broken %s and names the field', (type) => {
    const { fact, field } = brokenFacts[type];
    const r = decodeFact(fact);
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) expect(r.left.map((e) => e.field)).toContain(field);
  });

  it('refuses an unknown type, a non-object and a missing `at`, each by name', () => {
    const unknown = decodeFact({ type: 'DataSold', at: '2026-01-01T00:00:00Z' });
    expect(E.isLeft(unknown) && unknown.left[0]).toMatchObject({ field: 'type', message: expect.stringContaining('DataSold') });
    expect(E.isLeft(decodeFact([1, 2]))).toBe(true);
    const { at: _at, ...noAt } = sampleFacts.DataUsed;
    const missing = decodeFact(noAt);
    expect(E.isLeft(missing) && missing.left).toEqual([{ field: 'at', message: 'expected IsoTimestamp, got missing' }]);
  });

  it('reports every bad field at once, not only the first', () => {
    const r = decodeFact({ ...sampleFacts.DataUsed, subject: '', purpose: 7, extra: true });
    expect(E.isLeft(r) && r.left.map((e) => e.field).sort()).toEqual(['extra', 'purpose', 'subject']);
  });

  it('records unlawful-looking values: purposes, reasons and recipients are judged later, not refused', () => {
    const r = decodeFact({ ...sampleFacts.DataDisclosed, reason: 'we-felt-like-it', recipient: 'data-broker' });
    expect(E.isRight(r)).toBe(true);
  });
});

describe('categories', () => {
  it('covers its own dotted descendants and nothing else', () => {
    expect(covers('user.contact', 'user.contact.email')).toBe(true);
    expect(covers('user.contact', 'user.contact')).toBe(true);
    expect(covers('user.contact', 'user.contacts')).toBe(false);
    expect(covers('user.contact.email', 'user.contact')).toBe(false);
    expect(uncovered(['user.contact', 'user.device'], ['user.contact.phone', 'user.financial.card', 'user.device.ip_address'])).toEqual(['user.financial.card']);
  });
});

describe('streams and the seed policy', () => {
  it('routes facts to one chain per subject, staff member, incident, and to policy and keys', () => {
    expect(streamOf(sampleFacts.DataUsed as never)).toBe('subject-u-1');
    expect(streamOf(sampleFacts.PersonnelAccessed as never)).toBe('staff-staff-7');
    expect(streamOf(sampleFacts.IncidentReported as never)).toBe('incident-inc-1');
    expect(streamOf(sampleFacts.PurposeAssessed as never)).toBe('policy');
    expect(streamOf(sampleFacts.KeyRevoked as never)).toBe('keys');
  });

  it('carries the seed policy: sources, purposes a–c, reasons a–f, 30 days and 72 hours', () => {
    expect(seedPolicy.collectionSources).toEqual(['proactive-submission', 'service-record']);
    expect(seedPolicy.purposes).toEqual(['provide-service', 'personalization', 'service-optimization']);
    expect(seedPolicy.disclosureReasons).toHaveLength(6);
    expect([seedPolicy.disclosureNoticeDays, seedPolicy.incidentReportHours, seedPolicy.incidentNoticeHours]).toEqual([30, 72, 72]);
  });
});
