import { describe, expect, it } from 'vitest';
import { policyAt } from '../../src/projection/index.js';
import { collected, disclosed, fold, given, policyNotice, published, seedPolicy, t, used } from './given.js';

const v2 = (o: { material?: boolean; at?: string } = {}) =>
  published({ version: 'v2', effectiveAt: t(10), material: o.material ?? true, purposes: [...seedPolicy.purposes, 'analytics'] }, o.at ?? t(1));

describe('POLICY_CHANGE_NOT_NOTIFIED', () => {
  it('raised when a material version took effect without any PolicyNoticeSent for it', () => {
    given().when(v2()).evaluatedAt(t(11)).thenViolates('POLICY_CHANGE_NOT_NOTIFIED', { evidence: [], message: /v2 took effect.*without any/ });
  });

  it('not raised when announced before it took effect', () => {
    given().when(v2()).followedBy(policyNotice({ version: 'v2', at: t(5) })).evaluatedAt(t(11)).thenNot('POLICY_CHANGE_NOT_NOTIFIED');
  });

  it('a material change announced too late is raised, with the late notice as evidence', () => {
    const late = policyNotice({ version: 'v2', at: t(12) });
    given()
      .when(v2())
      .followedBy(late)
      .evaluatedAt(t(20))
      .thenViolates('POLICY_CHANGE_NOT_NOTIFIED', { evidence: [late.id], message: /announced only on .*after it took effect/ });
  });

  it('a notice at the very instant it takes effect is too late ("before the revision takes effect")', () => {
    given().when(v2()).followedBy(policyNotice({ version: 'v2', at: t(10) })).evaluatedAt(t(11)).thenViolates('POLICY_CHANGE_NOT_NOTIFIED');
  });

  it('a notice for another version does not count', () => {
    given().when(v2()).followedBy(policyNotice({ version: 'v3', at: t(5) })).evaluatedAt(t(11)).thenViolates('POLICY_CHANGE_NOT_NOTIFIED');
  });

  it('a notice sent before the version was even published counts', () => {
    given(policyNotice({ version: 'v2', at: t(0) })).when(v2({ at: t(1) })).evaluatedAt(t(11)).thenNot('POLICY_CHANGE_NOT_NOTIFIED');
  });

  it('not raised before it takes effect: an open obligation due at effectiveAt', () => {
    const p = v2();
    const o = given().when(p).evaluatedAt(t(5)).thenNot('POLICY_CHANGE_NOT_NOTIFIED');
    expect(o.report.obligations).toEqual([expect.objectContaining({ kind: 'policy-notice', eventId: p.id, dueBy: t(10) })]);
  });

  it('not raised for a revision that is not material', () => {
    given().when(v2({ material: false })).evaluatedAt(t(11)).thenNot('POLICY_CHANGE_NOT_NOTIFIED');
  });
});

describe('the policy version in force at a fact\'s time', () => {
  it('policyAt: the default before any is published, then each version from its effectiveAt', () => {
    const v1 = published({ version: 'v1', effectiveAt: t(0) }, t(0));
    const p2 = v2();
    const state = fold([v1, p2]);
    expect(policyAt(state, t(-1))).toEqual({ policy: seedPolicy });
    expect(policyAt(state, t(5)).policy.version).toBe('v1');
    expect(policyAt(state, t(5)).publishedBy?.eventId).toBe(v1.id);
    expect(policyAt(state, t(10)).policy.version).toBe('v2');
    expect(policyAt(state, t(10)).policy.purposes).toContain('analytics');
  });

  it('a purpose outside policy v1 needs re-consent; once v2 declares it, the same use lacks only a declared collection purpose', () => {
    const facts = [published({ version: 'v1', effectiveAt: t(0) }, t(0)), v2(), collected({ at: t(1) })];
    given(...facts).when(used({ purpose: 'analytics', at: t(5) })).thenViolates('RECONSENT_REQUIRED', { message: /not a purpose of policy v1/ });
    given(...facts).when(used({ purpose: 'analytics', at: t(15) })).thenViolates('PURPOSE_NOT_DECLARED', { message: /a purpose of policy v2/ });
  });

  it('a lawful use cites the version in force at its time', () => {
    const v1 = published({ version: 'v1', effectiveAt: t(0) }, t(0));
    const p2 = v2();
    const c = collected({ at: t(1) });
    given(v1, p2, c).when(used({ at: t(5) })).thenOk({ basis: 'collection-purpose', proof: [c.id, v1.id] });
    given(v1, p2, c).when(used({ at: t(15) })).thenOk({ basis: 'collection-purpose', proof: [c.id, p2.id] });
  });

  it('a disclosure reason dropped by a later version is lawful before it and not after', () => {
    const narrow = published({ version: 'narrow', effectiveAt: t(10), disclosureReasons: ['legal-obligation', 'court-order'] }, t(1));
    const facts = [collected({ at: t(0) }), narrow];
    given(...facts).when(disclosed({ reason: 'agreement-enforcement', at: t(5) })).thenNot('DISCLOSURE_WITHOUT_REASON');
    given(...facts).when(disclosed({ reason: 'agreement-enforcement', at: t(15) })).thenViolates('DISCLOSURE_WITHOUT_REASON', {
      message: /policy narrow/,
    });
  });

  it('the default policy before any PolicyPublished is configurable', () => {
    const custom = { ...seedPolicy, version: 'house-rules', purposes: [...seedPolicy.purposes, 'analytics'] };
    given(collected())
      .when(used({ purpose: 'analytics' }), { defaultPolicy: custom })
      .thenViolates('PURPOSE_NOT_DECLARED', { message: /policy house-rules/ });
  });
});
