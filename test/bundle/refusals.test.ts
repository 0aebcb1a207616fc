// Every way to break a bundle, tried as its attacker would: each is refused, naming the check
// that failed, and nothing of a broken bundle is re-derived into a verdict.
import { describe, expect, it, beforeAll } from 'vitest';
import { cosign } from '../../src/seal/checkpoint.js';
import { hashOf, bodyOf, type Envelope } from '../../src/seal/envelope.js';
import type { TrustedKey } from '../../src/seal/keys.js';
import { nodeSigner } from '../../src/seal/signers.js';
import { verifyBundle, type VerdictBundle, type BundleVerification } from '../../src/verify.js';
import { collected, consent, scenario, trustOf, used, withdrawn, type Scenario } from './scenarios.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
type Mutable = { -readonly [K in keyof VerdictBundle]: any };

const witness = nodeSigner(Uint8Array.from({ length: 32 }, (_, i) => 200 - i), 'witness.example.org/w1');
const witnessTrust = [{ keyId: witness.keyId, publicKey: witness.publicKey }];

describe('verify-bundle refuses a broken bundle, naming what failed', () => {
  let s: Scenario;
  let bundle: VerdictBundle;
  const check = (b: unknown, opts: { witnesses?: typeof witnessTrust; trust?: readonly TrustedKey[] } = {}): Promise<BundleVerification> =>
    verifyBundle(JSON.stringify(b), { trust: opts.trust ?? trustOf(s.signer), ...(opts.witnesses ? { witnesses: opts.witnesses } : {}) });
  const subjectOf = (b: Mutable) => b.streams.find((x: { stream: string }) => x.stream === 'subject-u-7');

  beforeAll(async () => {
    // A violation: the withdrawal in the middle of the subject's chain is what makes it one.
    s = await scenario([collected(['personalization']), consent(['personalization']), withdrawn(['personalization']), used('personalization')]);
    const cp = await s.ledger.checkpoint();
    bundle = await s.ledger.prove(s.judged, { checkpoint: cosign(cp.note, { ...witness, name: witness.keyId }, 1772600000) });
    expect(await check(bundle, { witnesses: witnessTrust })).toMatchObject({ ok: true, failed: [] });
  });

  it('a changed fact: its hash no longer matches', async () => {
    const b = clone(bundle) as Mutable;
    subjectOf(b).envelopes[2].fact.purposes = ['provide-service'];
    const r = await check(b);
    expect(r.ok).toBe(false);
    expect(r.failed).toContain('hashes');
    expect(r.checks.find((c) => c.check === 'hashes')!.findings[0]!.code).toBe('HASH_MISMATCH');
    expect(r.derived).toBeUndefined();
  });

  it('a changed fact re-hashed: the next link breaks and its signature fails', async () => {
    const b = clone(bundle) as Mutable;
    const env = subjectOf(b).envelopes[2] as Envelope & { hash: string };
    (env.fact as { purposes: string[] }).purposes = ['provide-service'];
    env.hash = hashOf(bodyOf(env));
    const r = await check(b);
    expect(r.failed).toEqual(expect.arrayContaining(['chains', 'signatures']));
  });

  it('a dropped envelope (the withdrawal) from a prefix: the chain says so', async () => {
    const b = clone(bundle) as Mutable;
    const sub = subjectOf(b);
    sub.envelopes.splice(2, 1);
    sub.folded -= 1;
    const r = await check(b);
    expect(r.failed).toContain('chains');
    const codes = r.checks.find((c) => c.check === 'chains')!.findings.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['REVISION_GAP', 'BROKEN_CHAIN']));
  });

  it('a wrong inclusion proof, or the right proof at another leaf', async () => {
    const b = clone(bundle) as Mutable;
    const p = subjectOf(b).inclusion.proof as string[];
    p[0] = (p[0]![0] === '0' ? '1' : '0') + p[0]!.slice(1);
    expect((await check(b)).failed).toEqual(['inclusion']);
    const c = clone(bundle) as Mutable;
    subjectOf(c).inclusion.leafIndex += 1;
    expect((await check(c)).failed).toContain('inclusion');
  });

  it('a wrong checkpoint signature; a checkpoint of another ledger', async () => {
    const b = clone(bundle) as Mutable;
    const lines = (b.checkpoint as string).split('\n');
    const i = lines.findIndex((l) => l.startsWith('— example.org/bundle-tests '));
    const sig = lines[i]!;
    lines[i] = sig.slice(0, -6) + (sig.at(-6) === 'A' ? 'B' : 'A') + sig.slice(-5);
    b.checkpoint = lines.join('\n');
    const r = await check(b);
    expect(r.failed).toContain('checkpoint');
    expect(r.checks.find((c) => c.check === 'inclusion')!.skipped).toBe(true);
    const c = clone(bundle) as Mutable;
    c.checkpoint = (c.checkpoint as string).replace('example.org/bundle-tests\n', 'example.org/another-ledger\n');
    expect((await check(c)).failed).toContain('checkpoint');
  });

  it('a missing cosignature when a witness is required; a cosignature by another witness does not count', async () => {
    const b = clone(bundle) as Mutable;
    b.checkpoint = (b.checkpoint as string).split('\n').filter((l) => !l.startsWith(`— ${witness.keyId} `)).join('\n');
    const missing = await check(b, { witnesses: witnessTrust });
    expect(missing.failed).toEqual(['witnesses']);
    expect(missing.ok).toBe(false);
    expect(missing.checks.find((c) => c.check === 'verdict')!.skipped).toBe(true);
    expect((await check(b)).ok).toBe(true); // no witness required: the ledger's signature alone
    const other = nodeSigner(Uint8Array.from({ length: 32 }, () => 9), witness.keyId);
    expect((await check(bundle, { witnesses: [{ keyId: witness.keyId, publicKey: other.publicKey }] })).failed).toContain('witnesses');
  });

  it('a stated verdict that is not the derived one', async () => {
    const b = clone(bundle) as Mutable;
    b.verdict = { ...b.verdict, verdict: 'ok', basis: 'consent', violations: [] };
    const r = await check(b);
    expect(r.failed).toEqual(['verdict']);
    expect(r.checks.find((c) => c.check === 'verdict')!.findings[0]!.message).toMatch(/states ok on consent, but the rules give violation CONSENT_WITHDRAWN/);
  });

  it('keys are only the ones given: another key, or a bundle sealed end to end by an attacker\'s own key', async () => {
    const stranger = nodeSigner(Uint8Array.from({ length: 32 }, () => 7), 'ops-2026');
    const r = await check(bundle, { trust: trustOf(stranger) });
    expect(r.failed).toEqual(expect.arrayContaining(['keys', 'signatures', 'checkpoint']));
    // A forger with a key of their own, a ledger of the same name and a lawful story.
    const forged = await scenario([collected(['personalization']), consent(['personalization']), used('personalization')]);
    const fake = await forged.ledger.prove(forged.judged);
    expect((await verifyBundle(JSON.stringify(fake), { trust: trustOf(forged.signer) })).ok).toBe(true); // same seed: same key
    const attacker = nodeSigner(Uint8Array.from({ length: 32 }, () => 3), 'ops-2026');
    expect((await verifyBundle(JSON.stringify(fake), { trust: trustOf(attacker) })).ok).toBe(false);
    await expect(verifyBundle(JSON.stringify(bundle), { trust: [] })).rejects.toThrow(/--trust/);
  });

  it('a missing policy stream, a prefix cut short before the judged fact, an unknown format version, not JSON', async () => {
    const b = clone(bundle) as Mutable;
    b.streams = b.streams.filter((x: { stream: string }) => x.stream !== 'policy');
    expect((await check(b)).failed).toContain('format');
    const c = clone(bundle) as Mutable;
    subjectOf(c).folded -= 1; // the judged event is no longer the end of any prefix
    expect((await check(c)).checks[0]!.findings[0]!.code).toBe('STREAM_MISSING');
    const d = clone(bundle) as Mutable;
    d.formatVersion = 2;
    expect((await check(d)).checks[0]!.findings[0]!.message).toMatch(/version 2 is not one this verifier reads/);
    expect((await verifyBundle('{"format": "privacy', { trust: trustOf(s.signer) })).failed).toContain('format');
  });

  it('an envelope of another stream slipped into a prefix', async () => {
    const b = clone(bundle) as Mutable;
    const policy = b.streams.find((x: { stream: string }) => x.stream === 'policy');
    subjectOf(b).envelopes.splice(1, 0, policy.envelopes[0]);
    subjectOf(b).folded += 1;
    expect((await check(b)).failed).toEqual(expect.arrayContaining(['hashes', 'chains']));
  });
});

describe('a prefix must end before the judged fact', () => {
  it('refuses a policy stream taken from a later point of the log', async () => {
    const s = await scenario([collected(), used('provide-service'), { type: 'PurposeAssessed', at: '2026-03-06T09:00:00Z', purpose: 'fraud-screening', compatibleWith: ['provide-service'], compatible: true, actor: 'dpo' }, used('fraud-screening', '2026-03-07T09:00:00Z')], { judge: 1 });
    const cp = await s.ledger.checkpoint();
    const early = (await s.ledger.prove(s.ids[1]!, { checkpoint: cp.note })) as Mutable;
    const late = await s.ledger.prove(s.ids[3]!, { checkpoint: cp.note });
    early.streams = early.streams.map((x: { stream: string }) => (x.stream === 'policy' ? late.streams.find((y) => y.stream === 'policy') : x));
    const r = await verifyBundle(JSON.stringify(early), { trust: trustOf(s.signer) });
    expect(r.checks.find((c) => c.check === 'inclusion')!.findings.map((f) => f.code)).toEqual(['PREFIX_ORDER']);
  });
});
