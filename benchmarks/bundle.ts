/**
 * A verdict bundle in a large ledger: a subject with 100 facts spread through a ledger of
 * 1,000,000 events (memory store, per-batch signing), the bundle of its last use: how long the
 * ledger takes to build and to prove, the bundle's size (target < 100 KB), and its verification
 * time in Node and in headless Chromium through the static page (target < 50 ms each).
 *   npm run build && node --max-old-space-size=8192 dist/benchmarks/bundle.js [events]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger } from '../src/ledger/ledger.js';
import { nodeSigner } from '../src/seal/signers.js';
import { memoryStore } from '../src/store/memory.js';
import { verifyBundle } from '../src/verify.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const SUBJECT_FACTS = 100;
const BATCH = 100;
const RUNS = 25;
const PAGE = join(import.meta.dirname, '../verify-page/verify-bundle.html');

let clockMs = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const noise = (subject: string, first: boolean, i: number): FactInput =>
  first && i === 0
    ? { type: 'DataCollected', at: iso(clockMs - 500), subject, categories: ['user.contact.email', 'user.device.ip_address'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' }
    : { type: 'DataUsed', at: iso(clockMs - 500), subject, categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' };
const mine = (k: number): FactInput =>
  k === 0
    ? { type: 'DataCollected', at: iso(clockMs - 500), subject: 'u-bundle', categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' }
    : k === 1
      ? { type: 'ConsentGranted', at: iso(clockMs - 500), subject: 'u-bundle', purposes: ['personalization'], policyVersion: 'seed-1', method: 'web-form' }
      : { type: 'DataUsed', at: iso(clockMs - 500), subject: 'u-bundle', categories: ['user.contact.email'], purpose: k % 2 ? 'personalization' : 'provide-service', actor: 'recommender' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const signer = nodeSigner(Uint8Array.from({ length: 32 }, (_, i) => i + 7), 'bench');
const ledger = await openLedger({ store: memoryStore(), signer, signing: 'per-batch', verdicts: false, clock: () => new Date(clockMs) });

const batches = Math.ceil((EVENTS - SUBJECT_FACTS) / BATCH);
const every = Math.floor(batches / SUBJECT_FACTS);
let judged = '';
let k = 0;
const t0 = performance.now();
for (let b = 0; b < batches; b++) {
  clockMs += 1000;
  const subject = `u-${b % 5000}`;
  await ledger.record(Array.from({ length: BATCH }, (_, i) => noise(subject, b < 5000, i)));
  if (b % every === every - 1 && k < SUBJECT_FACTS) judged = (await ledger.record(mine(k++)))[0]!.id;
  if (b % 1000 === 999) process.stderr.write(`\r${((b + 1) * BATCH).toLocaleString('en-US')} events`);
}
while (k < SUBJECT_FACTS) judged = (await ledger.record(mine(k++)))[0]!.id;
const cp = await ledger.checkpoint();
const buildS = (performance.now() - t0) / 1000;
process.stderr.write('\n');

const t1 = performance.now();
const bundle = await ledger.prove(judged, { checkpoint: cp.note });
const proveS = (performance.now() - t1) / 1000;
const text = JSON.stringify(bundle);
const trust = [{ keyId: signer.keyId, publicKey: signer.publicKey }];

const nodeMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  const r = await verifyBundle(text, { trust });
  nodeMs.push(performance.now() - t);
  if (!r.ok) throw new Error(`the bundle does not verify: ${r.failed.join(', ')}`);
}

let chromium = 'not measured (no Chromium at /usr/bin/chromium, or the page is not built)';
if (existsSync('/usr/bin/chromium') && existsSync(PAGE)) {
  const { chromium: launcher } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'pl-bench-chromium-'));
  const context = await launcher.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await context.newPage();
  await page.goto(`file://${PAGE}`);
  const times = await page.evaluate(
    async ({ text, key, runs }) => {
      const api = (globalThis as unknown as { privacyLedger: { verifyBundle: (t: string, o: unknown) => Promise<{ ok: boolean }>; parsePublicKeyFile: (t: string) => unknown } }).privacyLedger;
      const trust = [api.parsePublicKeyFile(key)];
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        if (!(await api.verifyBundle(text, { trust })).ok) throw new Error('the bundle does not verify in the page');
        out.push(performance.now() - t);
      }
      return out;
    },
    { text, key: JSON.stringify({ keyId: signer.keyId, publicKey: Buffer.from(signer.publicKey).toString('hex') }), runs: RUNS },
  );
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  chromium = `first ${times[0]!.toFixed(1)} ms, median of ${RUNS} ${median(times).toFixed(1)} ms (target < 50 ms)`;
}

const envelopes = bundle.streams.reduce((n, s) => n + s.envelopes.length, 0);
console.log(`verdict bundle benchmark: ${cp.size.toLocaleString('en-US')} events in the ledger (memory store, per-batch signing), a subject with ${SUBJECT_FACTS} facts`);
console.log(`  build the ledger            ${buildS.toFixed(1)} s (${Math.round(cp.size / buildS).toLocaleString('en-US')} events/s, with one checkpoint)`);
console.log(`  prove (one verified pass)   ${proveS.toFixed(1)} s`);
console.log(`  bundle                      ${(text.length / 1024).toFixed(1)} KB (target < 100 KB): ${envelopes} envelopes in ${bundle.streams.length} streams, verdict ${bundle.verdict.verdict} on ${bundle.verdict.basis}`);
console.log(`  verify in Node              first ${nodeMs[0]!.toFixed(1)} ms, median of ${RUNS} ${median(nodeMs).toFixed(1)} ms (target < 50 ms)`);
console.log(`  verify in Chromium (page)   ${chromium}`);
await ledger.close();
