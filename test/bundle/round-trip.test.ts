// A bundle for every verdict kind the audit gives: proved by the ledger, verified offline with
// the public key alone, its verdict re-derived by the rules and equal to the audit's own.
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/verify.js';
import {
  accessed, assessed, collected, consent, disclosed, erasure, granted, noise, scenario, trustOf, used, withdrawn, type Scenario,
} from './scenarios.js';

const roundTrip = async (s: Scenario) => {
  const bundle = await s.ledger.prove(s.judged);
  const json = JSON.stringify(bundle);
  const result = await verifyBundle(json, { trust: trustOf(s.signer) });
  expect(result.failed, JSON.stringify(result.checks.filter((c) => !c.ok), null, 1)).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.derived).toEqual(bundle.verdict);
  // The stated verdict is the audit's: explain judges the whole ledger at the time the fact was recorded.
  const env = bundle.streams.flatMap((x) => x.envelopes).find((e) => e.id === s.judged)!;
  const explained = await s.ledger.explain(s.judged, env.recordedAt);
  expect(bundle.verdict.verdict).toBe(explained.verdict);
  expect(bundle.verdict.basis).toBe(explained.basis);
  expect(bundle.verdict.proof).toEqual(explained.proof);
  expect(bundle.verdict.violations.map((v) => v.code)).toEqual(explained.violations.map((v) => v.code));
  return { bundle, result };
};

describe('verdict bundles: a round trip for every verdict kind', () => {
  it('lawful by collection purpose', async () => {
    const { result } = await roundTrip(await scenario([noise(1, '2026-03-02T06:00:00Z'), collected(), noise(2), used('provide-service')]));
    expect(result.derived).toMatchObject({ verdict: 'ok', basis: 'collection-purpose', type: 'DataUsed' });
  });

  it('lawful by a compatible assessment (the assessment comes from the policy stream)', async () => {
    const { result, bundle } = await roundTrip(await scenario([collected(), assessed('fraud-screening'), used('fraud-screening')]));
    expect(result.derived).toMatchObject({ verdict: 'ok', basis: 'assessed-compatible' });
    expect(bundle.streams.map((s) => s.stream).sort()).toEqual(['keys', 'policy', 'subject-u-7']);
  });

  it('lawful by consent', async () => {
    const { result } = await roundTrip(await scenario([collected(), consent(['personalization']), used('personalization')]));
    expect(result.derived).toMatchObject({ verdict: 'ok', basis: 'consent' });
  });

  it('a lawful disclosure, its notice still due when it was recorded', async () => {
    const { result } = await roundTrip(await scenario([collected(), disclosed('legal-obligation')]));
    expect(result.derived).toMatchObject({ verdict: 'ok', basis: 'legal-obligation', type: 'DataDisclosed', obligations: [{ kind: 'disclosure-notice' }] });
  });

  it('a lawful personnel access under a grant (the staff stream) of a subject not erased (the subject stream)', async () => {
    const { result, bundle } = await roundTrip(await scenario([collected(), granted(), accessed()]));
    expect(result.derived).toMatchObject({ verdict: 'ok', type: 'PersonnelAccessed' });
    expect(bundle.streams.map((s) => s.stream).sort()).toEqual(['keys', 'policy', 'staff-staff-3', 'subject-u-7']);
  });

  const violations: [string, () => Promise<Scenario>][] = [
    ['USE_WITHOUT_COLLECTION', () => scenario([noise(1), used('provide-service')])],
    ['PURPOSE_NOT_DECLARED', () => scenario([collected(), used('personalization')])],
    ['RECONSENT_REQUIRED', () => scenario([collected(), used('fraud-screening')])],
    ['CONSENT_WITHDRAWN', () => scenario([collected(['personalization']), consent(['personalization']), withdrawn(['personalization']), used('personalization')])],
    ['USE_AFTER_ERASURE', () => scenario([collected(), erasure(), used('provide-service')])],
    ['DISCLOSURE_WITHOUT_REASON', () => scenario([collected(), disclosed('marketing')])],
    ['DISCLOSURE_MISSING_REFERENCE', () => scenario([collected(), disclosed('court-order')])],
    ['ACCESS_WITHOUT_GRANT', () => scenario([collected(), accessed()])],
    ['RECORDED_LATE', () => scenario([collected(), used('provide-service')], { lateMs: 3 * 3_600_000 })],
  ];
  for (const [code, make] of violations) {
    it(`the violation ${code}, judged against the one fact`, async () => {
      const { result } = await roundTrip(await make());
      expect(result.derived?.verdict).toBe('violation');
      expect(result.derived?.violations.map((v) => v.code)).toContain(code);
    });
  }

  it('USE_AFTER_ERASURE on a personnel access: the erasure request comes from the subject stream', async () => {
    const { result } = await roundTrip(await scenario([collected(), granted(), erasure(), accessed()]));
    expect(result.derived?.violations.map((v) => v.code)).toEqual(['USE_AFTER_ERASURE']);
  });

  it('per-batch signing: a judged fact signed only through a later envelope of its batch', async () => {
    const s = await scenario([collected(), used('provide-service', '2026-03-05T09:00:00Z'), used('provide-service', '2026-03-05T09:00:01Z')], { signing: 'per-batch', batch: true, judge: 1 });
    const { bundle } = await roundTrip(s);
    const subject = bundle.streams.find((x) => x.stream === 'subject-u-7')!;
    expect(subject.folded).toBe(2);
    expect(subject.envelopes).toHaveLength(3); // the third only for its signature
    expect(subject.envelopes[1]!.sig).toBeUndefined();
  });

  it('an earlier fact of a longer history keeps its own verdict: later facts are not in its bundle', async () => {
    const s = await scenario([collected(), used('personalization'), consent(['personalization'], '2026-03-07T09:00:00Z'), used('personalization', '2026-03-08T09:00:00Z')], { judge: 1 });
    const { bundle, result } = await roundTrip(s);
    expect(result.derived?.violations.map((v) => v.code)).toEqual(['PURPOSE_NOT_DECLARED']);
    expect(bundle.streams.find((x) => x.stream === 'subject-u-7')!.folded).toBe(2);
  });
});
