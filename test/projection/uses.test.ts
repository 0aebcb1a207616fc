import { describe, expect, it } from 'vitest';
import {
  S1,
  assessed,
  collected,
  consented,
  erasureRequested,
  given,
  published,
  t,
  used,
  withdrew,
} from './given.js';

describe('DataUsed: the basis of a lawful use, with its proof', () => {
  it('collection-purpose: the purpose is one the covering collection was made for; proof is that collection', () => {
    const c = collected({ categories: ['user.contact'], purposes: ['provide-service'] });
    given(c)
      .when(used({ categories: ['user.contact.email'], purpose: 'provide-service' }))
      .thenOk({ basis: 'collection-purpose', proof: [c.id] });
  });

  it('collection-purpose under a published policy: the PolicyPublished in force is part of the proof', () => {
    const p = published({ version: 'seed-1' }, t(-1));
    const c = collected();
    given(p, c).when(used()).thenOk({ basis: 'collection-purpose', proof: [c.id, p.id] });
  });

  it('collection-purpose per category: each category cites the collection that covers it for the purpose', () => {
    const contact = collected({ categories: ['user.contact'], purposes: ['provide-service'] });
    const device = collected({ categories: ['user.device'], purposes: ['provide-service', 'service-optimization'] });
    given(contact, device)
      .when(used({ categories: ['user.contact.email', 'user.device.ip'], purpose: 'provide-service' }))
      .thenOk({ basis: 'collection-purpose', proof: [contact.id, device.id] });
  });

  it('assessed-compatible: a purpose outside the policy, assessed compatible with a collection purpose; proof is collection and assessment', () => {
    const c = collected({ purposes: ['provide-service'] });
    const a = assessed({ purpose: 'fraud-prevention', compatibleWith: ['provide-service'], compatible: true });
    given(c, a).when(used({ purpose: 'fraud-prevention' })).thenOk({ basis: 'assessed-compatible', proof: [c.id, a.id] });
  });

  it('consent: a policy purpose the data was not collected for, covered by a consent; proof is collection and consent', () => {
    const c = collected({ purposes: ['provide-service'] });
    const g = consented({ purposes: ['personalization'] });
    given(c, g).when(used({ purpose: 'personalization' })).thenOk({ basis: 'consent', proof: [c.id, g.id] });
  });

  it('consent: a purpose outside the policy, consented after the collection (re-consent before use)', () => {
    const c = collected({ purposes: ['provide-service'] });
    const g = consented({ purposes: ['marketing-emails'] });
    given(c, g).when(used({ purpose: 'marketing-emails' })).thenOk({ basis: 'consent', proof: [c.id, g.id] });
  });
});

describe('USE_WITHOUT_COLLECTION', () => {
  it('raised when a category has no earlier collection for that subject, naming it, with the collections there are', () => {
    const c = collected({ categories: ['user.contact'] });
    given(c)
      .when(used({ categories: ['user.contact.email', 'user.financial.card'] }))
      .thenViolates('USE_WITHOUT_COLLECTION', { evidence: [c.id], message: /user\.financial\.card/ });
  });

  it('not raised when a broader collected category covers the used one (dotted coverage)', () => {
    given(collected({ categories: ['user'] }))
      .when(used({ categories: ['user.contact.email'] }))
      .thenNot('USE_WITHOUT_COLLECTION');
  });

  it('raised for a sibling whose name merely starts the same (user.contact does not cover user.contacts)', () => {
    given(collected({ categories: ['user.contact'] }))
      .when(used({ categories: ['user.contacts'] }))
      .thenViolates('USE_WITHOUT_COLLECTION');
  });

  it('raised when only another subject\'s data was collected', () => {
    given(collected({ subject: 'subj-2' })).when(used({ subject: S1 })).thenViolates('USE_WITHOUT_COLLECTION', { evidence: [] });
  });

  it('raised when the collection is dated after the use, even if recorded first', () => {
    given(collected({ at: t(5) }))
      .when(used({ at: t(4) }))
      .thenViolates('USE_WITHOUT_COLLECTION');
  });
});

describe('PURPOSE_NOT_DECLARED', () => {
  it('raised for a policy purpose the data was not collected for, without consent; evidence is the collection', () => {
    const c = collected({ purposes: ['provide-service'] });
    given(c)
      .when(used({ purpose: 'personalization' }))
      .thenViolates('PURPOSE_NOT_DECLARED', { evidence: [c.id], message: /"personalization".*"provide-service"/ });
  });

  it('not raised when a consent for the purpose covers it', () => {
    given(collected(), consented({ purposes: ['personalization'] }))
      .when(used({ purpose: 'personalization' }))
      .thenNot('PURPOSE_NOT_DECLARED');
  });

  it('raised when only another subject consented: consent is per subject', () => {
    given(collected(), consented({ subject: 'subj-2', purposes: ['personalization'] }))
      .when(used({ purpose: 'personalization' }))
      .thenViolates('PURPOSE_NOT_DECLARED');
  });
});

describe('RECONSENT_REQUIRED', () => {
  it('raised for a purpose outside the policy with neither a compatible assessment nor a consent', () => {
    const c = collected();
    given(c)
      .when(used({ purpose: 'marketing-emails' }))
      .thenViolates('RECONSENT_REQUIRED', { evidence: [c.id], message: /"marketing-emails".*not a purpose of policy seed-1/ });
  });

  it('not raised when an assessment found it compatible with a collection purpose', () => {
    given(collected(), assessed({ purpose: 'marketing-emails', compatibleWith: ['provide-service'] }))
      .when(used({ purpose: 'marketing-emails' }))
      .thenNot('RECONSENT_REQUIRED');
  });

  it('a re-consent must come after the collection: a consent given before it does not count, and is shown as evidence', () => {
    const g = consented({ purposes: ['marketing-emails'] });
    const c = collected();
    given(g, c)
      .when(used({ purpose: 'marketing-emails' }))
      .thenViolates('RECONSENT_REQUIRED', { evidence: [c.id, g.id], message: /came before the collection/ });
  });

  it('an assessment that found the purpose incompatible does not count', () => {
    const c = collected();
    const a = assessed({ purpose: 'marketing-emails', compatibleWith: ['provide-service'], compatible: false });
    given(c, a).when(used({ purpose: 'marketing-emails' })).thenViolates('RECONSENT_REQUIRED', { evidence: [c.id, a.id] });
  });

  it('an assessment against a purpose the data was not collected for does not count', () => {
    given(collected({ purposes: ['provide-service'] }), assessed({ purpose: 'marketing-emails', compatibleWith: ['personalization'] }))
      .when(used({ purpose: 'marketing-emails' }))
      .thenViolates('RECONSENT_REQUIRED');
  });

  it('a later reassessment finding it incompatible ends the earlier compatible finding', () => {
    given(
      collected(),
      assessed({ purpose: 'marketing-emails', compatibleWith: ['provide-service'], compatible: true }),
      assessed({ purpose: 'marketing-emails', compatibleWith: ['provide-service'], compatible: false }),
    )
      .when(used({ purpose: 'marketing-emails' }))
      .thenViolates('RECONSENT_REQUIRED');
  });

  it('an assessment recorded after the use does not justify it', () => {
    given(collected())
      .when(used({ purpose: 'marketing-emails' }))
      .followedBy(assessed({ purpose: 'marketing-emails', compatibleWith: ['provide-service'] }))
      .thenViolates('RECONSENT_REQUIRED');
  });
});

describe('CONSENT_WITHDRAWN', () => {
  it('raised after a withdrawal of the consent the use relied on; evidence is the withdrawal and the consent it ended', () => {
    const g = consented({ purposes: ['personalization'] });
    const w = withdrew({ purposes: ['personalization'] });
    given(collected(), g, w)
      .when(used({ purpose: 'personalization' }))
      .thenViolates('CONSENT_WITHDRAWN', { evidence: [w.id, g.id], message: /"personalization"/ });
  });

  it('a withdrawal ends collection purposes too', () => {
    const w = withdrew({ purposes: ['provide-service'] });
    given(collected({ purposes: ['provide-service'] }), w)
      .when(used({ purpose: 'provide-service' }))
      .thenViolates('CONSENT_WITHDRAWN', { evidence: [w.id] });
  });

  it('a withdrawal ends an assessed-compatible basis too', () => {
    given(collected(), assessed({ purpose: 'fraud-prevention' }), withdrew({ purposes: ['fraud-prevention'] }))
      .when(used({ purpose: 'fraud-prevention' }))
      .thenViolates('CONSENT_WITHDRAWN');
  });

  it('not raised when a later consent restored it; the restoring consent joins the proof', () => {
    const c = collected({ purposes: ['provide-service'] });
    const again = consented({ purposes: ['provide-service'] });
    given(c, withdrew({ purposes: ['provide-service'] }), again)
      .when(used({ purpose: 'provide-service' }))
      .thenOk({ basis: 'collection-purpose', proof: [c.id, again.id] });
  });

  it('not raised by a withdrawal of another purpose', () => {
    given(collected(), withdrew({ purposes: ['personalization'] }))
      .when(used({ purpose: 'provide-service' }))
      .thenNot('CONSENT_WITHDRAWN');
  });

  it('not raised by a withdrawal dated after the use', () => {
    given(collected({ at: t(1) }), withdrew({ purposes: ['provide-service'], at: t(3) }))
      .when(used({ purpose: 'provide-service', at: t(2) }))
      .thenOk({ basis: 'collection-purpose' });
  });
});

describe('USE_AFTER_ERASURE on DataUsed', () => {
  it('raised for a use after the subject asked for erasure; evidence is the request', () => {
    const e = erasureRequested();
    given(collected(), e).when(used()).thenViolates('USE_AFTER_ERASURE', { evidence: [e.id] });
  });

  it('not raised when another subject asked for erasure', () => {
    given(collected(), erasureRequested({ subject: 'subj-2' })).when(used()).thenOk({ basis: 'collection-purpose' });
  });
});

describe('verdicts kept', () => {
  it('groups lawful uses with the same purpose, basis and proof, counting them; violations stay one by one', () => {
    const c = collected();
    const o = given(c, used(), used(), used({ purpose: 'personalization' }))
      .when(used({ categories: ['user.contact.phone'] }))
      .then(() => undefined);
    const ok = o.report.uses.filter((u) => u.verdict === 'ok');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ count: 3, lastEventId: o.event.id, categories: ['user.contact.email', 'user.contact.phone'] });
    expect(o.report.uses.filter((u) => u.verdict === 'violation')).toHaveLength(1);
    expect(o.report.summary).toMatchObject({ uses: 4, usesOk: 3, usesViolating: 1, verdicts: 'grouped' });
    expect(o.report.summary.byPurpose['provide-service']).toEqual({
      uses: 3,
      ok: 3,
      violations: 0,
      byBasis: { 'collection-purpose': 3, 'assessed-compatible': 0, consent: 0 },
    });
  });

  it('keeps every verdict when asked to', () => {
    const o = given(collected(), used(), used()).when(used(), { keepEveryVerdict: true }).then(() => undefined);
    expect(o.report.uses).toHaveLength(3);
    expect(o.report.uses.every((u) => u.count === 1 && u.basis === 'collection-purpose')).toBe(true);
    expect(o.verdict?.eventId).toBe(o.event.id);
    expect(o.report.summary.verdicts).toBe('every');
  });
});
