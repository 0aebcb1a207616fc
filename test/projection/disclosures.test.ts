import { describe, expect, it } from 'vitest';
import {
  S1,
  collected,
  consented,
  disclosed,
  erasureRequested,
  given,
  notified,
  published,
  t,
  withdrew,
} from './given.js';

describe('DataDisclosed: basis and proof', () => {
  it('a lawful reason is the basis; proof is the covering collection, the policy in force and the timely notice', () => {
    const p = published({ version: 'seed-1' }, t(-1));
    const c = collected({ at: t(0) });
    const d = disclosed({ reason: 'legal-obligation', at: t(1) });
    const n = notified({ about: d.id, at: t(2) });
    given(p, c).when(d).followedBy(n).evaluatedAt(t(60)).thenOk({ basis: 'legal-obligation', proof: [c.id, p.id, n.id] });
  });

  it('user-authorization rests on the consent that names the recipient, which joins the proof', () => {
    const c = collected({ at: t(0) });
    const g = consented({ purposes: ['partner-offers'], recipients: ['acme-insurance'], at: t(1) });
    const d = disclosed({ reason: 'user-authorization', recipient: 'acme-insurance', consentRef: g.id, at: t(2) });
    given(c, g).when(d).evaluatedAt(t(3)).thenOk({ basis: 'user-authorization', proof: [c.id, g.id] });
  });
});

describe('USE_WITHOUT_COLLECTION and USE_AFTER_ERASURE on DataDisclosed', () => {
  it('raised when a disclosed category was never collected for the subject', () => {
    given(collected({ categories: ['user.contact'] }))
      .when(disclosed({ categories: ['user.financial'] }))
      .thenViolates('USE_WITHOUT_COLLECTION', { message: /Disclosed to "tax-office" user\.financial/ });
  });

  it('not raised when the collection covers it', () => {
    given(collected({ categories: ['user'] })).when(disclosed({ categories: ['user.contact.email'] })).thenNot('USE_WITHOUT_COLLECTION');
  });

  it('USE_AFTER_ERASURE raised for a disclosure after an erasure request', () => {
    const e = erasureRequested();
    given(collected(), e).when(disclosed()).thenViolates('USE_AFTER_ERASURE', { evidence: [e.id] });
  });

  it('USE_AFTER_ERASURE not raised for a disclosure dated before the request', () => {
    given(collected({ at: t(0) }), erasureRequested({ at: t(5) }))
      .when(disclosed({ at: t(4) }))
      .thenNot('USE_AFTER_ERASURE');
  });
});

describe('DISCLOSURE_WITHOUT_REASON', () => {
  it('raised for a reason that is not one of the policy\'s lawful reasons, naming it', () => {
    given(collected())
      .when(disclosed({ reason: 'marketing-partnership', recipient: 'ad-network' }))
      .thenViolates('DISCLOSURE_WITHOUT_REASON', { message: /"marketing-partnership".*policy seed-1/ });
  });

  it('not raised for agreement enforcement (seed §3 e)', () => {
    given(collected()).when(disclosed({ reason: 'agreement-enforcement', recipient: 'collections-agency' })).thenNot('DISCLOSURE_WITHOUT_REASON');
  });
});

describe('DISCLOSURE_MISSING_REFERENCE', () => {
  it('raised for a court order without a legal reference', () => {
    given(collected()).when(disclosed({ reason: 'court-order', recipient: 'district-court' })).thenViolates('DISCLOSURE_MISSING_REFERENCE', {
      message: /"court-order" without a legal reference/,
    });
  });

  it('not raised for a court order with its legal reference', () => {
    given(collected())
      .when(disclosed({ reason: 'court-order', recipient: 'district-court', legalRef: 'Case 2026-CV-118' }))
      .thenNot('DISCLOSURE_MISSING_REFERENCE');
  });

  it('raised for a government request without a legal reference, not with one', () => {
    given(collected()).when(disclosed({ reason: 'government-request', recipient: 'ministry' })).thenViolates('DISCLOSURE_MISSING_REFERENCE');
    given(collected())
      .when(disclosed({ reason: 'government-request', recipient: 'ministry', legalRef: 'Req 44/2026' }))
      .thenNot('DISCLOSURE_MISSING_REFERENCE');
  });

  it('raised for user-authorization without a consentRef', () => {
    given(collected()).when(disclosed({ reason: 'user-authorization', recipient: 'acme' })).thenViolates('DISCLOSURE_MISSING_REFERENCE', {
      message: /without a consentRef/,
    });
  });

  it('raised when the referenced consent does not name the recipient; the consent is the evidence', () => {
    const g = consented({ purposes: ['partner-offers'], recipients: ['other-partner'] });
    given(collected(), g)
      .when(disclosed({ reason: 'user-authorization', recipient: 'acme', consentRef: g.id }))
      .thenViolates('DISCLOSURE_MISSING_REFERENCE', { evidence: [g.id], message: /names only "other-partner"/ });
  });

  it('raised when the referenced consent is another subject\'s', () => {
    const g = consented({ subject: 'subj-2', purposes: ['partner-offers'], recipients: ['acme'] });
    given(collected(), g)
      .when(disclosed({ reason: 'user-authorization', recipient: 'acme', consentRef: g.id }))
      .thenViolates('DISCLOSURE_MISSING_REFERENCE', { message: /not an earlier ConsentGranted of that subject/ });
  });

  it('raised when the referenced consent was withdrawn; evidence is consent and withdrawal', () => {
    const g = consented({ purposes: ['partner-offers'], recipients: ['acme'] });
    const w = withdrew({ purposes: ['partner-offers'] });
    given(collected(), g, w)
      .when(disclosed({ reason: 'user-authorization', recipient: 'acme', consentRef: g.id }))
      .thenViolates('DISCLOSURE_MISSING_REFERENCE', { evidence: [g.id, w.id], message: /was withdrawn/ });
  });

  it('not raised when the consent names the recipient and stands', () => {
    const g = consented({ purposes: ['partner-offers'], recipients: ['acme'] });
    given(collected(), g, withdrew({ purposes: ['personalization'] }))
      .when(disclosed({ reason: 'user-authorization', recipient: 'acme', consentRef: g.id }))
      .thenNot('DISCLOSURE_MISSING_REFERENCE');
  });
});

describe('DISCLOSURE_NOT_NOTIFIED', () => {
  it('raised once the notice deadline (disclosureNoticeDays) has passed without a SubjectNotified', () => {
    const d = disclosed({ at: t(0) });
    given(collected({ at: t(-1) }))
      .when(d)
      .evaluatedAt(t(31))
      .thenViolates('DISCLOSURE_NOT_NOTIFIED', { evidence: [], message: /within 30 days; it was due by 2026-03-31T00:00:00.000Z/ });
  });

  it('not raised before the deadline: it is an open obligation with its due date', () => {
    const d = disclosed({ at: t(0) });
    const o = given(collected({ at: t(-1) })).when(d).evaluatedAt(t(29)).thenNot('DISCLOSURE_NOT_NOTIFIED');
    expect(o.report.obligations).toEqual([
      expect.objectContaining({ kind: 'disclosure-notice', eventId: d.id, subject: S1, status: 'open', dueBy: '2026-03-31T00:00:00.000Z' }),
    ]);
    expect(o.verdict).toMatchObject({ verdict: 'ok', notice: { status: 'pending' } });
  });

  it('not raised when notified within the deadline', () => {
    const d = disclosed({ at: t(0) });
    const o = given(collected({ at: t(-1) })).when(d).followedBy(notified({ about: d.id, at: t(30) })).evaluatedAt(t(90)).thenNot('DISCLOSURE_NOT_NOTIFIED');
    expect(o.verdict).toMatchObject({ notice: { status: 'notified', notifiedAt: t(30) } });
    expect(o.report.obligations).toEqual([]);
  });

  it('a late notice is a violation too, with the late notice as evidence', () => {
    const d = disclosed({ at: t(0) });
    const late = notified({ about: d.id, at: t(31) });
    const o = given(collected({ at: t(-1) }))
      .when(d)
      .followedBy(late)
      .evaluatedAt(t(40))
      .thenViolates('DISCLOSURE_NOT_NOTIFIED', { evidence: [late.id], message: /notified to the subject only on/ });
    expect(o.verdict).toMatchObject({ notice: { status: 'notified-late' } });
  });

  it('a notice to another subject about it does not count', () => {
    const d = disclosed({ at: t(0) });
    given(collected({ at: t(-1) }))
      .when(d)
      .followedBy(notified({ subject: 'subj-2', about: d.id, at: t(1) }))
      .evaluatedAt(t(40))
      .thenViolates('DISCLOSURE_NOT_NOTIFIED');
  });

  it('a notice recorded before the disclosure it names (the fact carried its own id) counts', () => {
    const d = disclosed({ at: t(0) });
    given(collected({ at: t(-1) }), notified({ about: d.id, at: t(0, 1) }))
      .when(d)
      .evaluatedAt(t(40))
      .thenNot('DISCLOSURE_NOT_NOTIFIED');
  });

  describe('a deferred disclosure notice is not due before its deferral ends', () => {
    const deferredDisclosure = () =>
      disclosed({ reason: 'court-order', legalRef: 'Case 9', at: t(0), noticeDeferredUntil: t(60), deferralRef: 'Gag order 9-A' });

    it('before the deferral ends: no violation, a deferred obligation due 30 days after it', () => {
      const d = deferredDisclosure();
      const o = given(collected({ at: t(-1) })).when(d).evaluatedAt(t(45)).thenNot('DISCLOSURE_NOT_NOTIFIED');
      expect(o.report.obligations).toEqual([
        expect.objectContaining({ kind: 'disclosure-notice', status: 'deferred', deferredUntil: t(60), dueBy: '2026-05-30T00:00:00.000Z' }),
      ]);
      expect(o.verdict).toMatchObject({ notice: { status: 'deferred', deferralRef: 'Gag order 9-A' } });
    });

    it('after the deferral, within the notice days: open, not violated', () => {
      const o = given(collected({ at: t(-1) })).when(deferredDisclosure()).evaluatedAt(t(75)).thenNot('DISCLOSURE_NOT_NOTIFIED');
      expect(o.report.obligations[0]).toMatchObject({ status: 'open' });
    });

    it('after the deferral and the notice days: raised', () => {
      given(collected({ at: t(-1) }))
        .when(deferredDisclosure())
        .evaluatedAt(t(91))
        .thenViolates('DISCLOSURE_NOT_NOTIFIED', { message: /end of deferral Gag order 9-A/ });
    });

    it('a deferral date without a recorded deferralRef defers nothing', () => {
      given(collected({ at: t(-1) }))
        .when(disclosed({ at: t(0), noticeDeferredUntil: t(60) }))
        .evaluatedAt(t(31))
        .thenViolates('DISCLOSURE_NOT_NOTIFIED');
    });
  });
});
