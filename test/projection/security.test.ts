import { describe, expect, it } from 'vitest';
import {
  S1,
  accessed,
  collected,
  detected,
  erasureRequested,
  given,
  granted,
  incidentNotified,
  published,
  reported,
  revoked,
  t,
} from './given.js';

describe('PersonnelAccessed: ACCESS_WITHOUT_GRANT', () => {
  it('ok under a grant covering the categories and purpose, naming a confidentiality agreement; proof is the grant', () => {
    const g = granted({ categories: ['user.contact'], purposes: ['customer-support'] });
    given(g).when(accessed({ categories: ['user.contact.email'], purpose: 'customer-support' })).thenOk({ proof: [g.id] });
  });

  it('raised when the staff member holds no grant at all', () => {
    given(collected()).when(accessed()).thenViolates('ACCESS_WITHOUT_GRANT', { evidence: [], message: /staff-7.*"customer-support".*hold no grant/ });
  });

  it('raised under an expired grant; the grant is the evidence', () => {
    const g = granted({ until: t(5), at: t(0) });
    given(g).when(accessed({ at: t(6) })).thenViolates('ACCESS_WITHOUT_GRANT', { evidence: [g.id], message: /expired/ });
  });

  it('not raised before the grant expires', () => {
    const g = granted({ until: t(5), at: t(0) });
    given(g).when(accessed({ at: t(4) })).thenOk({ proof: [g.id] });
  });

  it('raised under a revoked grant; the grant and the revocation are the evidence', () => {
    const g = granted();
    const r = revoked();
    given(g, r).when(accessed()).thenViolates('ACCESS_WITHOUT_GRANT', { evidence: [g.id, r.id], message: /revoked/ });
  });

  it('not raised under a grant issued after the revocation', () => {
    const again = granted();
    given(granted(), revoked(), again).when(accessed()).thenOk({ proof: [again.id] });
  });

  it('raised when the grant does not cover the category', () => {
    given(granted({ categories: ['user.contact'] }))
      .when(accessed({ categories: ['user.financial.card'] }))
      .thenViolates('ACCESS_WITHOUT_GRANT', { message: /no grant of theirs covers them/ });
  });

  it('raised when the grant does not cover the purpose', () => {
    given(granted({ purposes: ['customer-support'] })).when(accessed({ purpose: 'analytics' })).thenViolates('ACCESS_WITHOUT_GRANT');
  });

  it('raised when only another staff member holds the grant', () => {
    given(granted({ staff: 'staff-8' })).when(accessed({ staff: 'staff-7' })).thenViolates('ACCESS_WITHOUT_GRANT');
  });

  it('one grant must cover all the categories: two partial grants do not add up', () => {
    given(granted({ categories: ['user.contact'] }), granted({ categories: ['user.device'] }))
      .when(accessed({ categories: ['user.contact.email', 'user.device.ip'] }))
      .thenViolates('ACCESS_WITHOUT_GRANT');
  });

  it('USE_AFTER_ERASURE raised for an access after erasure was requested, not before', () => {
    const e = erasureRequested({ at: t(2) });
    given(granted({ at: t(0) }), e).when(accessed({ at: t(3) })).thenViolates('USE_AFTER_ERASURE', { evidence: [e.id] });
    given(granted({ at: t(0) }), erasureRequested({ at: t(2) })).when(accessed({ at: t(1) })).thenOk();
  });

  it('grouped: lawful accesses under the same grant for the same purpose share one verdict, across subjects', () => {
    const g = granted();
    const o = given(g, accessed(), accessed({ subject: 'subj-2' })).when(accessed()).then(() => undefined);
    expect(o.report.accesses).toHaveLength(1);
    expect(o.report.accesses[0]).toMatchObject({ count: 3, staff: 'staff-7', verdict: 'ok', lastEventId: o.event.id });
    expect(o.report.accesses[0]!.subject).toBeUndefined();
    expect(o.report.accesses[0]!.proof.map((p) => p.eventId)).toEqual([g.id]);
    expect(o.report.summary).toMatchObject({ accesses: 3, accessesViolating: 0 });
  });
});

describe('IncidentDetected: INCIDENT_NOT_REPORTED', () => {
  it('raised when no report came within incidentReportHours and that time has passed', () => {
    given()
      .when(detected({ at: t(0) }))
      .evaluatedAt(t(4))
      .thenViolates('INCIDENT_NOT_REPORTED', { evidence: [], message: /inc-1 \(high\).*within 72 hours/ });
  });

  it('not raised before the deadline: an open obligation due 72 hours after detection', () => {
    const d = detected({ at: t(0) });
    const o = given().when(d).evaluatedAt(t(2)).thenNot('INCIDENT_NOT_REPORTED');
    expect(o.report.obligations).toContainEqual(
      expect.objectContaining({ kind: 'incident-report', eventId: d.id, dueBy: '2026-03-04T00:00:00.000Z', status: 'open' }),
    );
  });

  it('not raised when reported in time', () => {
    given().when(detected({ at: t(0) })).followedBy(reported({ at: t(1) })).evaluatedAt(t(10)).thenNot('INCIDENT_NOT_REPORTED');
  });

  it('a late report is a violation too, with the late report as evidence', () => {
    const late = reported({ at: t(4) });
    given()
      .when(detected({ at: t(0) }))
      .followedBy(late)
      .evaluatedAt(t(10))
      .thenViolates('INCIDENT_NOT_REPORTED', { evidence: [late.id], message: /reported to an authority only on/ });
  });

  it('the deadline is the one of the policy in force at detection', () => {
    const strict = published({ version: 'strict', effectiveAt: t(-1), incidentReportHours: 24 }, t(-2));
    given(strict).when(detected({ at: t(0) })).evaluatedAt(t(2)).thenViolates('INCIDENT_NOT_REPORTED', { message: /within 24 hours/ });
  });
});

describe('IncidentDetected: INCIDENT_SUBJECTS_NOT_NOTIFIED', () => {
  it('raised when not every affected subject was notified within incidentNoticeHours, naming who was not', () => {
    const o = given()
      .when(detected({ subjects: [S1, 'subj-2'], at: t(0) }))
      .followedBy(incidentNotified({ subjects: [S1], at: t(1) }))
      .evaluatedAt(t(4))
      .thenViolates('INCIDENT_SUBJECTS_NOT_NOTIFIED', { evidence: [], message: /1 of 2 subjects.*subj-2/ });
    expect(o.violations.find((v) => v.code === 'INCIDENT_SUBJECTS_NOT_NOTIFIED')?.subject).toBe('subj-2');
  });

  it('not raised when all were notified in time, in one or several notices', () => {
    given()
      .when(detected({ subjects: [S1, 'subj-2'], at: t(0) }))
      .followedBy(incidentNotified({ subjects: [S1], at: t(1) }), incidentNotified({ subjects: ['subj-2'], channel: 'push', at: t(2) }))
      .evaluatedAt(t(10))
      .thenNot('INCIDENT_SUBJECTS_NOT_NOTIFIED');
  });

  it('not raised before the deadline: an open obligation', () => {
    const o = given().when(detected({ at: t(0) })).evaluatedAt(t(1)).thenNot('INCIDENT_SUBJECTS_NOT_NOTIFIED');
    expect(o.report.obligations.map((x) => x.kind)).toEqual(['incident-report', 'incident-subject-notice']);
  });

  it('a late notice is a violation too, with the late notice as evidence', () => {
    const late = incidentNotified({ subjects: [S1, 'subj-2'], at: t(5) });
    given()
      .when(detected({ subjects: [S1, 'subj-2'], at: t(0) }))
      .followedBy(late)
      .evaluatedAt(t(10))
      .thenViolates('INCIDENT_SUBJECTS_NOT_NOTIFIED', { evidence: [late.id], message: /2 of 2.*only later/ });
  });
});
