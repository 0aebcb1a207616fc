import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/domain/facts.js';
import { parseInstant } from '../../src/projection/compliance-state.js';
import { applyCompliance, checkFact, complianceReport, initialComplianceState, type ComplianceState } from '../../src/projection/index.js';
import {
  accessed,
  assessed,
  collected,
  consented,
  disclosed,
  erasureRequested,
  fold,
  given,
  granted,
  published,
  revoked,
  sealed,
  seedPolicy,
  t,
  used,
  withdrew,
} from './given.js';

// The fold reuses a subject's last judgement of the same use while nothing it rests on
// changed. These cases repeat a use around each kind of change to show none is missed.
describe('a repeated use is judged afresh after whatever could change its verdict', () => {
  it('a withdrawal after an earlier lawful use of the same kind', () => {
    given(collected({ at: t(0) }), used({ at: t(1) }), withdrew({ purposes: ['provide-service'], at: t(2) }))
      .when(used({ at: t(3) }))
      .thenViolates('CONSENT_WITHDRAWN');
  });

  it('an assessment after an earlier use that needed re-consent', () => {
    const c = collected({ at: t(0) });
    const a = assessed({ purpose: 'fraud-prevention', at: t(2) });
    given(c, used({ purpose: 'fraud-prevention', at: t(1) }), a)
      .when(used({ purpose: 'fraud-prevention', at: t(3) }))
      .thenOk({ basis: 'assessed-compatible', proof: [c.id, a.id] });
  });

  it('a new collection after an earlier use without one', () => {
    const c = collected({ categories: ['user.financial'], at: t(2) });
    given(collected({ at: t(0) }), used({ categories: ['user.financial.iban'], at: t(1) }), c)
      .when(used({ categories: ['user.financial.iban'], at: t(3) }))
      .thenOk({ basis: 'collection-purpose', proof: [c.id] });
  });

  it('a policy version that takes effect between two uses, with no fact in between', () => {
    const v1 = published({ version: 'v1', effectiveAt: t(0) }, t(0));
    const v2 = published({ version: 'v2', effectiveAt: t(10) }, t(1));
    const c = collected({ at: t(1) });
    given(v1, v2, c, used({ at: t(5) }))
      .when(used({ at: t(11) }))
      .thenOk({ basis: 'collection-purpose', proof: [c.id, v2.id] });
  });

  it('an erasure request dated ahead, once its time comes', () => {
    given(collected({ at: t(0) }), erasureRequested({ at: t(10) }), used({ at: t(5) }))
      .when(used({ at: t(11) }))
      .thenViolates('USE_AFTER_ERASURE');
  });

  it('a collection recorded before an earlier-dated use does not stand for it, and counts for later ones', () => {
    const c = collected({ at: t(3) });
    const o = given(c, used({ at: t(2) })).when(used({ at: t(4) })).thenOk({ basis: 'collection-purpose', proof: [c.id] });
    expect(o.report.summary.byCode).toEqual({ USE_WITHOUT_COLLECTION: 1 });
  });

  it('a use dated back before the collection, recorded after a lawful one, is not covered', () => {
    given(collected({ at: t(1) }), used({ at: t(2) }))
      .when(used({ at: t(0) }))
      .thenViolates('USE_WITHOUT_COLLECTION');
  });

  it('a consent after an earlier use of the purpose without one', () => {
    const c = collected({ at: t(0) });
    const g = consented({ purposes: ['personalization'], at: t(2) });
    given(c, used({ purpose: 'personalization', at: t(1) }), g)
      .when(used({ purpose: 'personalization', at: t(3) }))
      .thenOk({ basis: 'consent', proof: [c.id, g.id] });
  });
});

/** A small deterministic PRNG, so a failing sequence can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};

const randomDay = (seed: number, n: number): Fact[] => {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const subjects = ['s-a', 's-b', 's-c'];
  const purposes = ['provide-service', 'personalization', 'service-optimization', 'fraud-prevention', 'marketing-emails'];
  const categories = [['user.contact.email'], ['user.profile'], ['user.contact.email', 'user.device.ip'], ['user.financial.card']];
  const facts: Fact[] = [published({ ...seedPolicy, version: 'v0' }, t(-1))];
  for (let i = 0; i < n; i++) {
    // Mostly in time order, now and then a fact dated back or ahead.
    const at = t(0, i + (r() < 0.1 ? Math.floor(r() * 20) - 10 : 0));
    const subject = pick(subjects);
    const x = r();
    if (x < 0.5) facts.push(used({ subject, purpose: pick(purposes), categories: pick(categories), at }));
    else if (x < 0.6) facts.push(collected({ subject, categories: pick([['user.contact'], ['user.profile'], ['user.device']]), purposes: [pick(purposes)], at }));
    else if (x < 0.67) facts.push(consented({ subject, purposes: [pick(purposes)], at }));
    else if (x < 0.72) facts.push(withdrew({ subject, purposes: [pick(purposes)], at }));
    else if (x < 0.75) facts.push(assessed({ purpose: pick(purposes), compatibleWith: [pick(purposes)], compatible: r() < 0.7, at }));
    else if (x < 0.77) facts.push(published({ version: `v${i}`, effectiveAt: t(0, i + Math.floor(r() * 10)), purposes: purposes.slice(0, 2 + Math.floor(r() * 3)) }, at));
    else if (x < 0.78) facts.push(erasureRequested({ subject, at }));
    else if (x < 0.84) facts.push(granted({ categories: [pick(['user.contact', 'user'])], until: t(0, i + Math.floor(r() * 30)), at }));
    else if (x < 0.86) facts.push(revoked({ at }));
    else if (x < 0.95) facts.push(accessed({ subject, categories: pick(categories), at }));
    else facts.push(disclosed({ subject, at }));
  }
  return facts;
};

describe('the fold and checkFact agree on every fact', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random sequence #${seed}: each use and access gets the verdict checkFact announced just before it`, () => {
      let state: ComplianceState = initialComplianceState({ keepEveryVerdict: true });
      let judged = 0;
      for (const f of randomDay(seed, 300)) {
        const envelope = sealed(f);
        const expected = f.type === 'DataUsed' || f.type === 'PersonnelAccessed' ? checkFact(state, f, f.at) : undefined;
        state = applyCompliance(state, envelope);
        if (expected === undefined) continue;
        const log = f.type === 'DataUsed' ? state.useLog : state.accessLog;
        const kept = log[log.length - 1]!;
        expect(kept.eventId).toBe(envelope.id);
        expect(kept.codes ?? []).toEqual(expected.codes ?? []);
        expect(kept.basis).toBe(expected.basis);
        expect(kept.proof.map((p) => p.eventId)).toEqual(expected.proof.map((p) => p.eventId));
        judged++;
      }
      expect(judged).toBeGreaterThan(100);
    });
  }

  it('grouped and every-verdict folds count the same', () => {
    const facts = randomDay(11, 300);
    const grouped = complianceReport(fold(facts), t(30));
    const every = complianceReport(fold(facts, { keepEveryVerdict: true }), t(30));
    expect(grouped.summary.byPurpose).toEqual(every.summary.byPurpose);
    expect(grouped.violations).toEqual(every.violations);
    expect(grouped.uses.reduce((n, u) => n + u.count, 0)).toBe(every.uses.length);
    expect(grouped.accesses.reduce((n, u) => n + u.count, 0)).toBe(every.accesses.length);
  });

  it('folding is deterministic: the same facts give the same report', () => {
    const facts = randomDay(12, 200);
    expect(complianceReport(fold(facts), t(30))).toEqual(complianceReport(fold(facts), t(30)));
  });
});

describe('parseInstant', () => {
  it('reads every instant the codec admits exactly as Date.parse does', () => {
    for (const s of [
      '2026-03-01T00:00:00Z',
      '2026-12-31T23:59:59Z',
      '2024-02-29T12:30:45.5Z',
      '2026-03-01T00:00:00.123Z',
      '2026-03-01T00:00:00.123456789Z',
      '1969-07-20T20:17:40Z',
      '2026-03-01T00:00:00+01:00',
    ]) {
      expect(parseInstant(s), s).toBe(Date.parse(s));
    }
  });
});
