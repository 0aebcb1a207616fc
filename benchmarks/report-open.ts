/**
 * How long a regulator waits for the HTML audit of a 100,000-fact ledger to open (goal:
 * under 2 s). Folds the demo's workload scaled up to at least 100,000 facts, plus extra
 * violating uses so the page carries thousands of violations, renders the report, and
 * opens it in headless Chromium (the Debian package at /usr/bin/chromium, or
 * CHROMIUM_PATH), each run in a fresh page, the runs interleaved with the rendering by the harness.
 *
 * Run: `npm run bench:report [-- --facts N --violations N --runs 5 --quick --json FILE]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { chromium, type BrowserContext } from 'playwright-core';
import { renderAuditHtml } from '../src/audit/html-audit.js';
import { demoWorkload } from '../src/cli/demo/workload.js';
import { decodeFact, type Fact, type FactInput } from '../src/domain/facts.js';
import { streamOf } from '../src/domain/streams.js';
import { complianceReport, foldCompliance, policyAt } from '../src/projection/index.js';
import { ENVELOPE_FORMAT, GENESIS, type Envelope } from '../src/seal/envelope-types.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { Variant } from './harness.js';

const { values } = parseArgs({ options: { ...HARNESS_OPTIONS, facts: { type: 'string' }, violations: { type: 'string' } } });
const args = harnessArgs(values);
const FACTS = Number(values.facts ?? 100_000);
const VIOLATIONS = Number(values.violations ?? 2_000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const GOAL_MS = 2_000;

/** The demo's sixty days, with enough people for FACTS facts, and VIOLATIONS uses for an undeclared purpose. */
const workload = (): { facts: FactInput[]; at: string } => {
  const perSubject = demoWorkload({ subjects: 200 }).facts.length / 200;
  let subjects = Math.ceil((FACTS - VIOLATIONS) / perSubject);
  let w = demoWorkload({ subjects });
  while (w.facts.length + VIOLATIONS < FACTS) w = demoWorkload({ subjects: (subjects = Math.ceil(subjects * 1.02)) });
  const extra: FactInput[] = Array.from({ length: VIOLATIONS }, (_, i) => ({
    type: 'DataUsed',
    at: new Date(Date.parse('2026-09-02T00:00:00Z') + i * Math.floor((58 * 86_400_000) / Math.max(VIOLATIONS, 1))).toISOString(),
    subject: `u-${String(i % 1000).padStart(4, '0')}`,
    categories: ['user.contact.email'],
    purpose: 'ad-targeting',
    actor: 'ads-pipeline',
  }));
  return { facts: [...w.facts, ...extra], at: w.auditAt };
};

const seal = (inputs: readonly FactInput[]): Envelope[] => {
  const revisions = new Map<string, number>();
  return inputs.map((input, i) => {
    const r = decodeFact(input);
    if (E.isLeft(r)) throw new Error(`workload fact ${i} is invalid: ${JSON.stringify(r.left)}`);
    const f: Fact = r.right;
    const stream = streamOf(f);
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    const id = f.id ?? `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    return { v: ENVELOPE_FORMAT, ledger: 'bench.example/report', id, stream, revision, recordedAt: f.at, prev: GENESIS, keyId: 'bench', fact: f, hash: createHash('sha256').update(id).digest('hex') };
  });
};

const { facts, at } = workload();
const state = foldCompliance(seal(facts));
const report = complianceReport(state, at);
const render = () => renderAuditHtml({ report, integrity: { store: 'bench', checked: facts.length, findings: [] }, policy: policyAt(state, at).policy });
const page = render();
const dir = mkdtempSync(join(tmpdir(), 'pl-bench-report-'));
const file = join(dir, 'report.html');
writeFileSync(file, page);

const F = { render: 'render the HTML audit', open: 'open in Chromium, goto → load', load: "page's own load event", fcp: 'first contentful paint' } as const;

const rendering: Variant = {
  name: 'render',
  run: async (ctx) => {
    await ctx.time({ figure: F.render, count: 1, unit: 'report', kind: 'duration' }, render);
  },
};

const opening = (context: BrowserContext): Variant => ({
  name: 'open',
  run: async (ctx) => {
    const tab = await context.newPage();
    try {
      await ctx.time({ figure: F.open, count: 1, unit: 'open', kind: 'duration' }, () => tab.goto(`file://${file}`, { waitUntil: 'load' }));
      // Evaluated in the page, where the DOM's performance API exists (this file is compiled without DOM types).
      const timing = (await tab.evaluate(
        `({ load: performance.getEntriesByType('navigation')[0].loadEventEnd, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN })`,
      )) as { load: number; fcp: number };
      ctx.note(F.load, timing.load, 'ms');
      ctx.note(F.fcp, timing.fcp, 'ms');
    } finally {
      await tab.close();
    }
  },
});

const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  // One open before the runs warms the browser's caches of its binary, not of the page.
  const warm = await context.newPage();
  await warm.goto(`file://${file}`, { waitUntil: 'load' });
  await warm.close();
  const result = await runAndReport(
    {
      benchmark: 'bench:report',
      description: `${fmt(facts.length)} facts, ${fmt(report.violations.length)} violations, ${fmt(report.disclosures.length)} disclosures, ${fmt(report.obligations.length)} open obligations; HTML ${fmt(Buffer.byteLength(page) / 1024)} KiB; a fresh page each run`,
      variants: [rendering, opening(context)],
    },
    args,
  );
  const slowest = result.figures.find((f) => f.figure === F.open)!.max;
  console.log(`goal: under ${fmt(GOAL_MS)} ms to open — ${slowest < GOAL_MS ? 'met' : 'NOT met'} (slowest run, ${fmt(slowest)} ms)`);
} finally {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
