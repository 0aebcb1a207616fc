import { describe, expect, it } from 'vitest';
import {
  UNRECORDED,
  applyCompliance,
  checkFact,
  complianceReport,
  consentAt,
  deserializeSnapshot,
  disclosureRegister,
  serializeSnapshot,
  subjectReport,
  type ComplianceState,
} from '../../src/projection/index.js';
import {
  S1,
  accessed,
  collected,
  consented,
  detected,
  disclosed,
  erasureRequested,
  fact,
  fold,
  granted,
  incidentNotified,
  notified,
  policyNotice,
  sealed,
  t,
  used,
  withdrew,
} from './given.js';

describe('consentAt', () => {
  const g = consented({ purposes: ['personalization', 'partner-offers'], recipients: ['acme'], at: t(1) });
  const w = withdrew({ purposes: ['personalization'], at: t(3) });
  const again = consented({ purposes: ['personalization'], at: t(5) });
  const state = fold([collected({ at: t(0) }), g, w, again]);

  it('none before any consent', () => {
    expect(consentAt(state, S1, 'personalization', t(0))).toEqual({
      subject: S1,
      purpose: 'personalization',
      at: t(0),
      state: 'none',
      evidence: [],
    });
  });

  it('granted while the consent stands, with the grant as evidence and its recipients', () => {
    const c = consentAt(state, S1, 'personalization', t(2));
    expect(c.state).toBe('granted');
    expect(c.evidence.map((e) => e.eventId)).toEqual([g.id]);
    expect(c.evidence[0]).toMatchObject({ type: 'ConsentGranted', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(c.recipients).toEqual(['acme']);
  });

  it('withdrawn after the withdrawal, with the withdrawal and the grant it ended', () => {
    const c = consentAt(state, S1, 'personalization', t(4));
    expect(c.state).toBe('withdrawn');
    expect(c.evidence.map((e) => e.eventId)).toEqual([w.id, g.id]);
  });

  it('granted again after a re-consent; a withdrawal of one purpose leaves the others', () => {
    expect(consentAt(state, S1, 'personalization', t(6)).evidence.map((e) => e.eventId)).toEqual([again.id]);
    expect(consentAt(state, S1, 'partner-offers', t(6)).state).toBe('granted');
  });

  it('none for an unknown subject', () => {
    expect(consentAt(state, 'nobody', 'personalization', t(6)).state).toBe('none');
  });
});

describe('disclosureRegister', () => {
  it('lists disclosures by reason and recipient with notice status, unlawful reasons included', () => {
    const d1 = disclosed({ reason: 'legal-obligation', recipient: 'tax-office', at: t(1) });
    const d2 = disclosed({ reason: 'legal-obligation', recipient: 'tax-office', at: t(2) });
    const d3 = disclosed({ reason: 'legal-obligation', recipient: 'auditor', at: t(3) });
    const d4 = disclosed({ reason: 'ad-sales', recipient: 'ad-network', at: t(4) });
    const state = fold([collected({ at: t(0) }), d1, d2, d3, d4, notified({ about: d1.id, at: t(2) })]);
    const reg = disclosureRegister(state, t(33));
    expect(reg.total).toBe(4);
    const legal = reg.byReason.find((r) => r.reason === 'legal-obligation')!;
    expect(legal).toMatchObject({ lawful: true, count: 3, violations: 1 });
    expect(legal.byRecipient.map((r) => [r.recipient, r.count])).toEqual([
      ['tax-office', 2],
      ['auditor', 1],
    ]);
    const statuses = Object.fromEntries(legal.byRecipient.flatMap((r) => r.disclosures.map((d) => [d.eventId, d.notice.status])));
    expect(statuses).toEqual({ [d1.id]: 'notified', [d2.id]: 'overdue', [d3.id]: 'pending' });
    expect(reg.byReason.find((r) => r.reason === 'ad-sales')).toMatchObject({ lawful: false, count: 1, violations: 1 });
    // Every lawful reason of the policy has a row, used or not.
    expect(reg.byReason.find((r) => r.reason === 'court-order')).toMatchObject({ count: 0, byRecipient: [] });
  });
});

describe('subjectReport', () => {
  const c = collected({ at: t(0) });
  const repeat = collected({ at: t(1) });
  const other = collected({ subject: 'subj-2', at: t(1) });
  const g = consented({ purposes: ['personalization'], at: t(2) });
  const d = disclosed({ at: t(3) });
  const n = notified({ about: d.id, at: t(4) });
  const inc = detected({ subjects: [S1, 'subj-2'], at: t(5) });
  const facts = [
    c,
    repeat,
    other,
    g,
    used({ at: t(2, 1) }),
    used({ at: t(2, 2) }),
    used({ purpose: 'personalization', at: t(2, 3) }),
    used({ purpose: 'marketing-emails', at: t(2, 4) }),
    used({ subject: 'subj-2', purpose: 'marketing-emails', at: t(2, 5) }),
    granted({ at: t(0) }),
    accessed({ at: t(2, 6) }),
    d,
    n,
    inc,
    incidentNotified({ subjects: [S1], at: t(5, 1) }),
    policyNotice({ version: 'v2', audience: S1, at: t(6) }),
    erasureRequested({ at: t(7) }),
  ];
  const state = fold(facts);
  const r = subjectReport(state, S1, t(10));

  it('lists what was collected, identical collections counted once with the first as proof', () => {
    expect(r.known).toBe(true);
    expect(r.collected).toEqual([expect.objectContaining({ eventId: c.id, count: 2, lastEventId: repeat.id, purposes: ['provide-service'] })]);
  });

  it('lists uses with verdicts, grouped, the violating one with its code', () => {
    expect(r.used.map((u) => [u.purpose, u.verdict, u.basis, u.count])).toEqual([
      ['provide-service', 'ok', 'collection-purpose', 2],
      ['personalization', 'ok', 'consent', 1],
      ['marketing-emails', 'violation', undefined, 1],
    ]);
    // Lawful accesses are grouped by grant across subjects; the report counts them.
    expect(r.accessed).toEqual([]);
    expect(r.accessCount).toBe(1);
    const every = subjectReport(fold(facts, { keepEveryVerdict: true }), S1, t(10));
    expect(every.accessed).toEqual([expect.objectContaining({ staff: 'staff-7', subject: S1, verdict: 'ok', count: 1 })]);
  });

  it('lists disclosures, consents, notices, incidents and the erasure request', () => {
    expect(r.disclosed).toEqual([expect.objectContaining({ eventId: d.id, verdict: 'ok', notice: expect.objectContaining({ status: 'notified' }) })]);
    expect(r.consents).toEqual([expect.objectContaining({ eventId: g.id, kind: 'granted', purposes: ['personalization'], policyVersion: 'seed-1', method: 'settings-toggle' })]);
    expect(r.consentState).toEqual({ personalization: 'granted' });
    expect(r.notified.map((x) => [x.type, x.about])).toEqual([
      ['SubjectNotified', d.id],
      ['IncidentSubjectsNotified', 'incident inc-1'],
      ['PolicyNoticeSent', 'policy v2'],
    ]);
    expect(r.incidents).toEqual([expect.objectContaining({ incident: 'inc-1', eventId: inc.id, notifiedAt: t(5, 1) })]);
    expect(r.erasureRequested).toBe(t(7));
  });

  it('holds only this subject\'s violations: the incident notice owed to subj-2 is not in it', () => {
    expect(r.violations.map((v) => v.code)).toEqual(['RECONSENT_REQUIRED', 'INCIDENT_NOT_REPORTED']);
    const r2 = subjectReport(state, 'subj-2', t(10));
    expect(r2.violations.map((v) => v.code)).toEqual(['RECONSENT_REQUIRED', 'INCIDENT_NOT_REPORTED', 'INCIDENT_SUBJECTS_NOT_NOTIFIED']);
  });

  it('names no other subject: an incident finding is worded for this subject alone', () => {
    const r2 = subjectReport(state, 'subj-2', t(10));
    const v = r2.violations.find((x) => x.code === 'INCIDENT_SUBJECTS_NOT_NOTIFIED')!;
    expect(v).toMatchObject({ subject: 'subj-2', message: expect.stringMatching(/^Subject subj-2, affected by incident inc-1 \(high\), was not notified/) });
    expect(JSON.stringify(r2)).not.toContain(S1);
  });

  it('an unknown subject gets an empty report', () => {
    const none = subjectReport(state, 'nobody', t(10));
    expect(none).toMatchObject({ known: false, collected: [], used: [], disclosed: [], violations: [] });
  });
});

describe('complianceReport', () => {
  it('counts facts, uses per purpose and basis, disclosures per reason, violations per code, sorted by time', () => {
    const d = disclosed({ reason: 'court-order', recipient: 'court', at: t(2) });
    const state = fold([
      collected({ at: t(0) }),
      used({ at: t(1) }),
      used({ purpose: 'personalization', at: t(1, 1) }),
      d,
      disclosed({ reason: 'legal-obligation', at: t(3) }),
      detected({ at: t(0, 12) }),
    ]);
    const report = complianceReport(state, t(40));
    expect(report.summary).toMatchObject({
      at: '2026-04-10T00:00:00.000Z',
      policyVersion: 'seed-1',
      facts: 6,
      byType: { DataCollected: 1, DataUsed: 2, DataDisclosed: 2, IncidentDetected: 1 },
      subjects: 2,
      uses: 2,
      usesOk: 1,
      disclosures: 2,
      disclosuresViolating: 2,
      incidents: 1,
      violations: 6,
      byCode: { PURPOSE_NOT_DECLARED: 1, DISCLOSURE_MISSING_REFERENCE: 1, DISCLOSURE_NOT_NOTIFIED: 2, INCIDENT_NOT_REPORTED: 1, INCIDENT_SUBJECTS_NOT_NOTIFIED: 1 },
      obligations: 0,
    });
    expect(report.summary.byReason['court-order']).toMatchObject({ disclosures: 1, violations: 1, overdue: 1, lawful: true });
    expect(report.summary.byPurpose['personalization']).toMatchObject({ uses: 1, violations: 1 });
    expect(report.violations.map((v) => v.at)).toEqual([...report.violations.map((v) => v.at)].sort());
    for (const v of report.violations) expect(v.message.length).toBeGreaterThan(20);
  });

  it('is reproducible: the same state at the same time gives the same report', () => {
    const state = fold([collected({ at: t(0) }), disclosed({ at: t(1) }), detected({ at: t(2) })]);
    expect(JSON.stringify(complianceReport(state, t(20)))).toBe(JSON.stringify(complianceReport(state, t(20))));
    expect(complianceReport(state, t(3)).violations).toEqual([]);
  });
});

describe('checkFact: the verdict before the fact', () => {
  const c = collected({ at: t(0) });
  const state = fold([c, granted({ at: t(0) })]);

  it('answers "may I use this for that purpose?" with the basis and proof, without changing the state', () => {
    const before = serializeSnapshot(state);
    const ok = checkFact(state, used({ at: t(1) }), t(1));
    expect(ok).toMatchObject({ type: 'DataUsed', verdict: 'ok', basis: 'collection-purpose', violations: [], obligations: [] });
    expect(ok.proof.map((p) => p.eventId)).toEqual([c.id]);
    const no = checkFact(state, used({ purpose: 'personalization', at: t(1) }), t(1));
    expect(no).toMatchObject({ verdict: 'violation', codes: ['PURPOSE_NOT_DECLARED'], proof: [] });
    expect(serializeSnapshot(state)).toBe(before);
  });

  it('names a fact without an id as not yet recorded', () => {
    const { id: _id, ...withoutId } = used({ purpose: 'personalization', at: t(1) });
    expect(checkFact(state, withoutId, t(1)).violations[0]?.eventId).toBe(UNRECORDED);
  });

  it('tells a disclosure what it obliges: a notice by its deadline', () => {
    const r = checkFact(state, disclosed({ at: t(1) }), t(1));
    expect(r.verdict).toBe('ok');
    expect(r.obligations).toEqual([expect.objectContaining({ kind: 'disclosure-notice', dueBy: '2026-04-01T00:00:00.000Z' })]);
  });

  it('judges a personnel access and a fact with no rule', () => {
    expect(checkFact(state, accessed({ at: t(1) }), t(1)).verdict).toBe('ok');
    expect(checkFact(state, consented({ at: t(1) }), t(1))).toMatchObject({ verdict: 'ok', violations: [], obligations: [] });
  });
});

describe('the fold as a pure function of its events', () => {
  it('a state restored from a snapshot folds on to the same report as one never interrupted', () => {
    const facts = [
      collected({ at: t(0) }),
      consented({ at: t(0, 1) }),
      used({ at: t(1) }),
      used({ purpose: 'personalization', at: t(1, 1) }),
      disclosed({ at: t(2) }),
      detected({ at: t(3) }),
      withdrew({ at: t(4) }),
      used({ purpose: 'personalization', at: t(5) }),
      accessed({ at: t(5) }),
    ];
    const envelopes = facts.map(sealed);
    const whole = envelopes.reduce<ComplianceState>((s, e) => applyCompliance(s, e), fold([]));
    const half = envelopes.slice(0, 4).reduce<ComplianceState>((s, e) => applyCompliance(s, e), fold([]));
    const restored = deserializeSnapshot<ComplianceState>(serializeSnapshot(half));
    const resumed = envelopes.slice(4).reduce((s, e) => applyCompliance(s, e), restored);
    expect(complianceReport(resumed, t(60))).toEqual(complianceReport(whole, t(60)));
  });

  it('key facts are only counted', () => {
    const key = fact({ type: 'KeyRegistered', keyId: 'k1', publicKey: 'a'.repeat(64), owner: 'ops' });
    expect(complianceReport(fold([key]), t(1)).summary).toMatchObject({ facts: 1, byType: { KeyRegistered: 1 }, violations: 0 });
  });
});
