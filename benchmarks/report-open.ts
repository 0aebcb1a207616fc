/**
 * How long a regulator waits for the HTML audit of a 100,000-fact ledger to open (goal:
 * under 2 s). Folds the demo's workload scaled up to at least 100,000 facts, plus extra
 * violating uses so the page carries thousands of violations, renders the report, and
 * opens it in headless Chromium (the Debian package at /usr/bin/chromium, or
 * CHROMIUM_PATH) several times, each in a fresh page.
 *
 * Run: `npm run bench:report` (options: --facts N, --violations N, --runs N).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { chromium } from 'playwright-core';
import { renderAuditHtml } from '../src/audit/html-audit.js';
import { demoWorkload } from '../src/cli/demo/workload.js';
import { decodeFact, type Fact, type FactInput } from '../src/domain/facts.js';
import { streamOf } from '../src/domain/streams.js';
import { complianceReport, foldCompliance, policyAt } from '../src/projection/index.js';
import { ENVELOPE_FORMAT, GENESIS, type Envelope } from '../src/seal/envelope-types.js';

const { values } = parseArgs({ options: { facts: { type: 'string' }, violations: { type: 'string' }, runs: { type: 'string' } } });
const FACTS = Number(values.facts ?? 100_000);
const VIOLATIONS = Number(values.violations ?? 2_000);
const RUNS = Number(values.runs ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

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

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const main = async () => {
  const { facts, at } = workload();
  const state = foldCompliance(seal(facts));
  const report = complianceReport(state, at);
  const t0 = performance.now();
  const page = renderAuditHtml({ report, integrity: { store: 'bench', checked: facts.length, findings: [] }, policy: policyAt(state, at).policy });
  const renderMs = performance.now() - t0;
  const dir = mkdtempSync(join(tmpdir(), 'pl-bench-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, page);
  console.log(`${fmt(facts.length)} facts, ${fmt(report.violations.length)} violations, ${fmt(report.disclosures.length)} disclosures, ${fmt(report.obligations.length)} open obligations`);
  console.log(`HTML report: ${fmt(Buffer.byteLength(page) / 1024)} KiB, rendered in ${fmt(renderMs)} ms`);

  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const opened: number[] = [];
  const loaded: number[] = [];
  const painted: number[] = [];
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      const tab = await context.newPage();
      const start = performance.now();
      await tab.goto(`file://${file}`, { waitUntil: 'load' });
      const wall = performance.now() - start;
      // Evaluated in the page, where the DOM's performance API exists (this file is compiled without DOM types).
      const timing = (await tab.evaluate(
        `({ load: performance.getEntriesByType('navigation')[0].loadEventEnd, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN })`,
      )) as { load: number; fcp: number };
      await tab.close();
      if (i === 0) continue; // the first run warms the browser's caches of the binary, not of the page
      opened.push(wall);
      loaded.push(timing.load);
      painted.push(timing.fcp);
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`open in Chromium (${RUNS} runs, fresh page each): goto→load median ${fmt(median(opened))} ms, max ${fmt(Math.max(...opened))} ms`);
  console.log(`  page's own timing: load event median ${fmt(median(loaded))} ms, first contentful paint median ${fmt(median(painted))} ms`);
  console.log(`goal: under 2,000 ms — ${Math.max(...opened) < 2000 ? 'met' : 'NOT met'} (slowest run)`);
};

await main();
