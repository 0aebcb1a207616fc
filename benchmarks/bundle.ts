/**
 * A verdict bundle in a large ledger: a subject with 100 facts spread through a ledger of
 * 1,000,000 events (memory store, per-batch signing), the bundle of its last use: how long the
 * ledger takes to build and to prove, the bundle's size (target < 100 KB), and its verification
 * time in Node and in headless Chromium through the static page (target < 50 ms each).
 *   npm run bench:bundle [-- --events 1000000 --runs 5 --quick --json FILE]
 * Variants, interleaved by the harness: a fresh ledger built and proved each run; then that
 * round's bundle verified 25 times in Node and 25 times in a fresh page of the static verifier.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger, type Ledger } from '../src/ledger/ledger.js';
import { nodeSigner } from '../src/seal/signers.js';
import { memoryStore } from '../src/store/memory.js';
import { verifyBundle } from '../src/verify.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { Variant } from './harness.js';

const { values } = parseArgs({ options: { ...HARNESS_OPTIONS, events: { type: 'string', default: '1000000' } } });
const args = harnessArgs(values);
const EVENTS = Number(values.events);
const SUBJECT_FACTS = 100;
const BATCH = 100;
const RUNS = 25;
const PAGE = join(import.meta.dirname, '../verify-page/verify-bundle.html');

let clockMs = Date.parse('2026-01-01T00:00:00Z'); // a fresh ledger each run starts here again
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

const signer = nodeSigner(Uint8Array.from({ length: 32 }, (_, i) => i + 7), 'bench');
const trust = [{ keyId: signer.keyId, publicKey: signer.publicKey }];
const F = {
  build: `build a ledger of ${EVENTS.toLocaleString('en-US')} events, one checkpoint`,
  prove: 'prove (one verified pass)',
  size: 'bundle size (target < 100 KB)',
  envelopes: 'envelopes in the bundle',
  node: 'verify in Node, the mean of 25 after it (target < 50 ms)',
  nodeFirst: 'verify in Node, the first of a run',
  page: 'verify in Chromium, the median of 25 after it (target < 50 ms)',
  pageFirst: 'verify in Chromium, the first in a fresh page',
} as const;

/** This round's bundle: made by the build variant, verified by the two after it in the same round. */
let latest: string | undefined;

/** Records the subject's facts spread through the noise; the id of its last use. */
const fill = async (ledger: Ledger): Promise<string> => {
  const batches = Math.ceil((EVENTS - SUBJECT_FACTS) / BATCH);
  const every = Math.max(1, Math.floor(batches / SUBJECT_FACTS));
  let judged = '';
  let k = 0;
  for (let b = 0; b < batches; b++) {
    clockMs += 1000;
    const subject = `u-${b % 5000}`;
    await ledger.record(Array.from({ length: BATCH }, (_, i) => noise(subject, b < 5000, i)));
    if (b % every === every - 1 && k < SUBJECT_FACTS) judged = (await ledger.record(mine(k++)))[0]!.id;
  }
  while (k < SUBJECT_FACTS) judged = (await ledger.record(mine(k++)))[0]!.id;
  return judged;
};

const build: Variant = {
  name: 'build and prove',
  run: async (ctx) => {
    clockMs = Date.parse('2026-01-01T00:00:00Z');
    const ledger = await openLedger({ store: memoryStore(), signer, signing: 'per-batch', verdicts: false, clock: () => new Date(clockMs) });
    try {
      const { judged, cp } = await ctx.time({ figure: F.build, count: (r: { cp: { size: number } }) => r.cp.size, unit: 'events' }, async () => {
        const judged = await fill(ledger);
        return { judged, cp: await ledger.checkpoint() };
      });
      const bundle = await ctx.time({ figure: F.prove, count: 1, unit: 'bundle', kind: 'duration' }, () => ledger.prove(judged, { checkpoint: cp.note }));
      latest = JSON.stringify(bundle);
      ctx.note(F.size, latest.length / 1024, 'KB');
      ctx.note(F.envelopes, bundle.streams.reduce((n, s) => n + s.envelopes.length, 0), 'envelopes');
    } finally {
      await ledger.close();
    }
  },
};

const bundleOfRound = (): string => {
  if (latest === undefined) throw new Error('no bundle was made this round: the build variant runs first');
  return latest;
};

const inNode: Variant = {
  name: 'verify in Node',
  run: async (ctx) => {
    const text = bundleOfRound();
    const once = async () => {
      const r = await verifyBundle(text, { trust });
      if (!r.ok) throw new Error(`the bundle does not verify: ${r.failed.join(', ')}`);
    };
    await ctx.time({ figure: F.nodeFirst, count: 1, unit: 'verify', kind: 'duration' }, once);
    await ctx.time({ figure: F.node, count: RUNS, unit: 'verify', kind: 'duration' }, async () => { for (let i = 0; i < RUNS; i++) await once(); });
  },
};

/** The page's own clock, in the page: the first verification and the median of RUNS after it. */
const inChromium = (context: import('playwright-core').BrowserContext): Variant => ({
  name: 'verify in Chromium',
  run: async (ctx) => {
    const page = await context.newPage();
    try {
      await page.goto(`file://${PAGE}`);
      const times = await page.evaluate(
        async ({ text, key, runs }) => {
          const api = (globalThis as unknown as { privacyLedger: { verifyBundle: (t: string, o: unknown) => Promise<{ ok: boolean }>; parsePublicKeyFile: (t: string) => unknown } }).privacyLedger;
          const trust = [api.parsePublicKeyFile(key)];
          const out: number[] = [];
          for (let i = 0; i < runs + 1; i++) {
            const t = performance.now();
            if (!(await api.verifyBundle(text, { trust })).ok) throw new Error('the bundle does not verify in the page');
            out.push(performance.now() - t);
          }
          return out;
        },
        { text: bundleOfRound(), key: JSON.stringify({ keyId: signer.keyId, publicKey: Buffer.from(signer.publicKey).toString('hex') }), runs: RUNS },
      );
      // Timed by the page's clock (the harness's would count the round trip to the browser).
      ctx.note(F.pageFirst, times[0]!, 'ms');
      ctx.note(F.page, times.slice(1).sort((a, b) => a - b)[Math.floor(RUNS / 2)]!, 'ms');
    } finally {
      await page.close();
    }
  },
});

const haveChromium = existsSync('/usr/bin/chromium') && existsSync(PAGE);
let browser: { context: import('playwright-core').BrowserContext; profile: string } | undefined;
if (haveChromium) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'pl-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  browser = { context, profile };
}
try {
  await runAndReport(
    {
      benchmark: 'bench:bundle',
      description:
        `a subject with ${SUBJECT_FACTS} facts in a ledger of about ${EVENTS.toLocaleString('en-US')} events (memory store, per-batch signing), the bundle of its last use; ` +
        `${RUNS} verifications a run` + (browser ? '' : '; Chromium not measured (no /usr/bin/chromium, or the page is not built)'),
      variants: [build, inNode, ...(browser ? [inChromium(browser.context)] : [])],
    },
    args,
  );
} finally {
  if (browser) {
    await browser.context.close();
    rmSync(browser.profile, { recursive: true, force: true });
  }
}
