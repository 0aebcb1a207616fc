/**
 * The HTML reports in headless Chromium (the Debian package, never a downloaded browser):
 * they render without a console error or a single request, every figure on the page is the
 * JSON report's, they print on A4 without cutting anything off, and hostile strings in the
 * ledger are shown as text and never run. Screenshots and a PDF go to test-results/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { renderAuditHtml } from '../../src/audit/html-audit.js';
import { complianceReport, policyAt } from '../../src/projection/index.js';
import { fold, t } from '../projection/given.js';
import { CHROMIUM, haveChromium, openChromium, type Browser } from '../helpers/browser.js';
import { ROOT, built, cli } from '../helpers/run.js';
import { valueAt } from './figures.js';
import { PAYLOADS, hostileFacts } from './hostile.js';

const RESULTS = join(ROOT, 'test-results');
const AT = '2026-10-31T00:00:00Z';

interface Loaded {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

describe.skipIf(!built)('HTML reports in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-browser-'));
  let browser: Browser;

  const load = async (file: string): Promise<Loaded> => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== `file://${file}`) requests.push(r.url());
    });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return { page, problems, requests };
  };

  const figures = (page: Page) =>
    page.$$eval('[data-figure]', (els) => els.map((e) => ({ path: e.getAttribute('data-figure')!, text: e.textContent ?? '' })));

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    mkdirSync(RESULTS, { recursive: true });
    const demo = cli(['demo', '--dir', dir, '--subjects', '60']);
    expect(demo.status, demo.stderr).toBe(0);
    const ledger = ['--ledger', join(dir, 'demo.db'), '--at', AT];
    for (const args of [
      ['audit', ...ledger, '--format', 'html', '--out', join(dir, 'report.html')],
      ['audit', ...ledger, '--json', '--out', join(dir, 'audit.json')],
      ['report', ...ledger, '--subject', 'u-9000', '--format', 'html', '--out', join(dir, 'subject.html')],
      ['report', ...ledger, '--subject', 'u-9000', '--format', 'json', '--out', join(dir, 'subject.json')],
    ]) {
      const r = cli(args);
      expect([0, 2], `${args.join(' ')}: ${r.stderr}`).toContain(r.status);
    }
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, html, json] of [
    ['audit report', 'report.html', 'audit.json'],
    ['subject report', 'subject.html', 'subject.json'],
  ] as const) {
    it(`the ${name} renders without a console error or any request, and its numbers are the JSON report's`, async () => {
      const { page, problems, requests } = await load(join(dir, html));
      const doc = JSON.parse(readFileSync(join(dir, json), 'utf8'));
      const shown = await figures(page);
      expect(shown.length).toBeGreaterThan(name === 'audit report' ? 30 : 6);
      for (const f of shown) expect([f.path, Number(f.text.replace(/,/g, ''))]).toEqual([f.path, valueAt(doc, f.path)]);
      expect(await page.$$eval('svg.chart', (s) => s.length)).toBeGreaterThanOrEqual(name === 'audit report' ? 5 : 1);
      await page.screenshot({ path: join(RESULTS, html.replace('.html', '.png')), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    });
  }

  it('the audit lists each violation with its rule, its evidence and its prove command', async () => {
    const { page } = await load(join(dir, 'report.html'));
    const doc = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8'));
    const items = await page.$$eval('article.violation', (as) => as.map((a) => a.textContent ?? ''));
    expect(items).toHaveLength(doc.violations.length);
    doc.violations.forEach((v: { eventId: string; code: string }, i: number) => {
      expect(items[i]).toContain(v.code);
      expect(items[i]).toContain(doc.rules[v.code].text);
      expect(items[i]).toContain(`privacy-ledger prove --event ${v.eventId} --out bundle-${v.eventId.slice(0, 8)}.json`);
    });
    await page.close();
  });

  it('prints on A4 without cutting anything off', async () => {
    const { page } = await load(join(dir, 'report.html'));
    await page.setViewportSize({ width: 718, height: 1000 }); // A4 less 14 mm margins, at 96 dpi
    await page.emulateMedia({ media: 'print' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // On screen, violations off the screen are not laid out; in print every one is.
    const hidden = await page.$$eval('article.violation', (as) => as.filter((a) => getComputedStyle(a).contentVisibility !== 'visible').length);
    expect(hidden).toBe(0);
    await page.screenshot({ path: join(RESULTS, 'report-print.png'), fullPage: false });
    const pdf = await page.pdf({ path: join(RESULTS, 'report.pdf'), format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  it('shows hostile strings from the ledger as text and runs none of them', async () => {
    const state = fold(hostileFacts());
    const file = join(dir, 'hostile.html');
    writeFileSync(file, renderAuditHtml({ report: complianceReport(state, t(40)), integrity: { store: 'memory', checked: 9, findings: [] }, policy: policyAt(state, t(40)).policy }));
    const { page, problems, requests } = await load(file);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$$eval('script, img, iframe, svg [onload], [onerror]', (els) => els.length)).toBe(0);
    const text = await page.evaluate(() => document.body.textContent ?? '');
    for (const p of PAYLOADS.slice(0, 5)) expect(text).toContain(p);
    expect(await page.title()).toBe('Compliance audit at 2026-04-10 00:00:00 UTC');
    await page.screenshot({ path: join(RESULTS, 'hostile.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
