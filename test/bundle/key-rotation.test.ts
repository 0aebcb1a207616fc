// Keys in a bundle count only through the trust chain from the keys given: a rotated key
// endorsed by the trusted one counts; a revocation placed after the judged fact leaves what the
// old key signed before standing; one before it (or not placed) does not.
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { bytesToHex } from '../../src/seal/hash.js';
import { nodeSigner } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import { verifyBundle } from '../../src/verify.js';
import { manualClock } from '../helpers/clock.js';
import { collected, scenarioSigner, trustOf, used } from './scenarios.js';

const rotated = async (revokeBeforeUse: boolean) => {
  const clock = manualClock('2026-03-02T09:00:01Z');
  const store = memoryStore();
  const a = scenarioSigner();
  const b = nodeSigner(Uint8Array.from({ length: 32 }, (_, i) => 90 + i), 'ops-2027');
  const la = await openLedger({ store, signer: a, clock: clock.now, origin: 'example.org/rotation' });
  await la.record(collected());
  await la.record({ type: 'KeyRegistered', at: '2026-03-02T09:00:01Z', keyId: b.keyId, publicKey: bytesToHex(b.publicKey), owner: 'ops' });
  const lb = await openLedger({ store, signer: b, clock: clock.now });
  const revoke = { type: 'KeyRevoked' as const, at: '2026-03-04T09:00:00Z', keyId: a.keyId, reason: 'rotated' };
  if (revokeBeforeUse) clock.set('2026-03-04T09:00:01Z'), await lb.record({ ...revoke, at: '2026-03-04T09:00:00Z' });
  clock.set('2026-03-05T09:00:01Z');
  const [use] = await lb.record(used('provide-service'));
  if (!revokeBeforeUse) clock.set('2026-03-06T09:00:01Z'), await lb.record({ ...revoke, at: '2026-03-06T09:00:00Z' });
  const bundle = await lb.prove(use!.id);
  return { bundle, a, b };
};

describe('bundles and key rotation', () => {
  it('a key endorsed by the trusted one counts; the old key revoked after the judged fact still vouches for what it signed before', async () => {
    const { bundle, a, b } = await rotated(false);
    const keys = bundle.streams.find((s) => s.stream === 'keys')!;
    expect(keys.placed).toHaveLength(1);
    const r = await verifyBundle(JSON.stringify(bundle), { trust: trustOf(a) });
    expect(r.failed).toEqual([]);
    expect(r.derived).toMatchObject({ verdict: 'ok', basis: 'collection-purpose' });
    // Trusting only the new key: its registration by the old one is not a root, so the old key is unknown.
    expect((await verifyBundle(JSON.stringify(bundle), { trust: trustOf(b) })).failed).toEqual(expect.arrayContaining(['keys', 'signatures']));
  });

  it('refuses what a key signed when its revocation came before the judged fact, or is not placed in the log', async () => {
    const { bundle, a } = await rotated(true);
    const r = await verifyBundle(JSON.stringify(bundle), { trust: trustOf(a) });
    expect(r.checks.find((c) => c.check === 'signatures')!.findings.map((f) => f.code)).toContain('REVOKED_KEY');
    const after = (await rotated(false)).bundle as { streams: { stream: string; placed?: unknown }[] };
    const unplaced = JSON.parse(JSON.stringify(after)) as typeof after;
    delete unplaced.streams.find((s) => s.stream === 'keys')!.placed;
    expect((await verifyBundle(JSON.stringify(unplaced), { trust: trustOf(a) })).failed).toContain('signatures');
  });
});
