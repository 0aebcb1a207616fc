// Writes test/vectors/bundles/: a valid bundle and one for each kind of breakage, with the
// result each must get. Fixed keys, a manual clock; run after `npm run build`:
//   node scripts/make-bundle-vectors.mjs
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLedger } from '../dist/src/ledger/ledger.js';
import { memoryStore } from '../dist/src/store/memory.js';
import { nodeSigner } from '../dist/src/seal/signers.js';
import { cosign } from '../dist/src/seal/checkpoint.js';
import { bytesToHex } from '../dist/src/seal/hash.js';
import { verifyBundle } from '../dist/src/verify.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '../test/vectors/bundles');
const ledgerKey = nodeSigner(Uint8Array.from({ length: 32 }, (_, i) => i + 1), 'ops-2026');
const witness = nodeSigner(Uint8Array.from({ length: 32 }, (_, i) => 200 - i), 'witness.example.org/w1');
let now = Date.parse('2026-03-01T08:00:00Z');
const ledger = await openLedger({ store: memoryStore(), signer: ledgerKey, clock: () => new Date(now), origin: 'example.org/bundle-vectors' });
const record = async (fact) => {
  now = Date.parse(fact.at) + 1000;
  return (await ledger.record(fact))[0];
};
const subject = 'u-7';
const email = ['user.contact.email'];
await record({ type: 'DataCollected', at: '2026-03-02T09:00:00Z', subject, categories: email, source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' });
await record({ type: 'DataCollected', at: '2026-03-02T10:00:00Z', subject: 'u-8', categories: email, source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' });
await record({ type: 'ConsentGranted', at: '2026-03-03T09:00:00Z', subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'web-form' });
await record({ type: 'ConsentGranted', at: '2026-03-03T10:00:00Z', subject, purposes: ['service-optimization'], policyVersion: 'seed-1', method: 'web-form' });
const lawful = await record({ type: 'DataUsed', at: '2026-03-05T09:00:00Z', subject, categories: email, purpose: 'personalization', actor: 'recommender' });
await record({ type: 'ConsentWithdrawn', at: '2026-03-06T09:00:00Z', subject, purposes: ['personalization'] });
const violation = await record({ type: 'DataUsed', at: '2026-03-07T09:00:00Z', subject, categories: email, purpose: 'personalization', actor: 'recommender' });
now = Date.parse('2026-03-08T00:00:00Z');
const cp = await ledger.checkpoint();
const note = cosign(cp.note, { ...witness, name: witness.keyId }, Math.floor(now / 1000));
const valid = await ledger.prove(lawful.id, { checkpoint: note });
const withdrawn = await ledger.prove(violation.id, { checkpoint: note });

const clone = (x) => JSON.parse(JSON.stringify(x));
const subjectOf = (b) => b.streams.find((s) => s.stream === `subject-${subject}`);
const flipHex = (h) => (h[0] === '0' ? '1' : '0') + h.slice(1);
const breakages = {
  'changed-fact': [(b) => void (subjectOf(b).envelopes[1].fact.purposes = ['provide-service']), 'hashes', 'HASH_MISMATCH'],
  'dropped-envelope': [(b) => (subjectOf(b).envelopes.splice(1, 1), subjectOf(b).folded--), 'chains', 'REVISION_GAP'],
  'wrong-inclusion-proof': [(b) => void (subjectOf(b).inclusion.proof[2] = flipHex(subjectOf(b).inclusion.proof[2])), 'inclusion', 'INCLUSION_FAILED'],
  'wrong-checkpoint-signature': [(b) => void (b.checkpoint = b.checkpoint.replace(/(\n— example\.org\/bundle-vectors \S{20})(\S)/, (_, a, c) => a + (c === 'A' ? 'B' : 'A'))), 'checkpoint', 'CHECKPOINT_INVALID'],
  'missing-cosignature': [(b) => void (b.checkpoint = b.checkpoint.split('\n').filter((l) => !l.startsWith(`— ${witness.keyId} `)).join('\n')), 'witnesses', 'WITNESS_MISSING'],
  'stated-verdict-not-derived': [(b) => void (b.verdict = { ...withdrawn.verdict, eventId: b.eventId }), 'verdict', 'VERDICT_MISMATCH'],
};

const trust = [{ keyId: ledgerKey.keyId, publicKey: ledgerKey.publicKey }];
const witnesses = [{ keyId: witness.keyId, publicKey: witness.publicKey }];
const manifest = [
  { file: 'valid.json', description: 'a lawful use on consent, cosigned by the witness', expected: { ok: true, verdict: 'ok', basis: 'consent' } },
  { file: 'valid-violation.json', description: 'a use after the consent was withdrawn: a bundle that holds, proving a violation', expected: { ok: true, verdict: 'violation', codes: ['CONSENT_WITHDRAWN'] } },
];
await mkdir(out, { recursive: true });
await writeFile(join(out, 'valid.json'), JSON.stringify(valid, null, 1) + '\n');
await writeFile(join(out, 'valid-violation.json'), JSON.stringify(withdrawn, null, 1) + '\n');
for (const [name, [mutate, check, code]] of Object.entries(breakages)) {
  const b = clone(valid);
  mutate(b);
  await writeFile(join(out, `${name}.json`), JSON.stringify(b, null, 1) + '\n');
  manifest.push({ file: `${name}.json`, description: name.replaceAll('-', ' '), expected: { ok: false, failed: check, code } });
}
for (const v of manifest) {
  const { readFile } = await import('node:fs/promises');
  const r = await verifyBundle(await readFile(join(out, v.file), 'utf8'), { trust, witnesses });
  const agrees = v.expected.ok ? r.ok && r.derived.verdict === v.expected.verdict : !r.ok && r.failed.includes(v.expected.failed) && r.checks.some((c) => c.findings.some((f) => f.code === v.expected.code));
  if (!agrees) throw new Error(`${v.file}: the verifier does not give the intended result: ${JSON.stringify(r.checks.filter((c) => !c.ok))}`);
}
const pub = (s) => JSON.stringify({ keyId: s.keyId, algorithm: 'Ed25519', publicKey: bytesToHex(s.publicKey) }, null, 2) + '\n';
await writeFile(join(out, 'ledger.pub'), pub(ledgerKey));
await writeFile(join(out, 'witness.pub'), pub(witness));
await writeFile(join(out, 'manifest.json'), JSON.stringify({ trust: 'ledger.pub', witness: 'witness.pub', vectors: manifest }, null, 2) + '\n');
await ledger.close();
console.error(`wrote ${manifest.length} bundles to ${out}`);
