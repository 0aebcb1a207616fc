/**
 * The static verification page (dist/verify-page/verify-bundle.html) in headless Chromium:
 * a person picks a bundle and a key file and reads the verdict, why, and every check; every
 * test vector gets its expected result there, with no request made and no console error.
 * Screenshots of a lawful bundle and of one with a byte changed go to test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, haveChromium, openChromium, type Browser } from '../helpers/browser.js';
import { ROOT } from '../helpers/run.js';
import { manifest, VECTORS } from './vectors.js';
import { collected, disclosed, scenario } from './scenarios.js';

const PAGE = join(ROOT, 'dist/verify-page/verify-bundle.html');
const RESULTS = join(ROOT, 'test-results');

interface Shown {
  readonly state: string;
  readonly verdict: string;
  readonly reasons: string[];
  readonly checks: { check: string; ok: boolean; text: string }[];
}

describe.skipIf(!existsSync(PAGE))('the verification page in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'pl-page-'));
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    mkdirSync(RESULTS, { recursive: true });
    browser = await openChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  /** Opens the page, picks the files as a person would, and reads what it shows. */
  const pick = async (bundle: string, witness: boolean): Promise<{ page: Page; shown: Shown }> => {
    const page = await browser.context.newPage();
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => void (r.url() !== `file://${PAGE}` && requests.push(r.url())));
    await page.goto(`file://${PAGE}`);
    if (witness) await page.setInputFiles('#witnesses', join(VECTORS, manifest.witness));
    await page.setInputFiles('#keys', join(VECTORS, manifest.trust));
    await page.setInputFiles('#bundle', bundle);
    await page.waitForSelector('body[data-done="true"]');
    const shown = await page.evaluate(() => ({
      state: document.getElementById('verdict')!.dataset.state!,
      verdict: document.getElementById('verdict')!.textContent!,
      reasons: [...document.querySelectorAll('#reasons li')].map((li) => li.textContent!),
      checks: [...document.querySelectorAll<HTMLElement>('#checks li')].map((li) => ({ check: li.dataset.check!, ok: li.dataset.ok === 'true', text: li.textContent! })),
    }));
    return { page, shown };
  };

  it('a lawful bundle shows its verdict, why, and every check passed', async () => {
    const { page, shown } = await pick(join(VECTORS, 'valid.json'), true);
    expect(shown.state).toBe('ok');
    expect(shown.verdict).toMatch(/^Verified: this DataUsed .* is lawful/);
    expect(shown.reasons[0]).toMatch(/^lawful on consent: the subject consented to the purpose/);
    expect(shown.reasons.some((r) => r.startsWith('rests on ConsentGranted '))).toBe(true);
    expect(shown.checks.map((c) => c.check)).toEqual(['format', 'hashes', 'chains', 'keys', 'signatures', 'checkpoint', 'witnesses', 'inclusion', 'verdict']);
    expect(shown.checks.every((c) => c.ok)).toBe(true);
    await page.screenshot({ path: join(RESULTS, 'bundle-lawful.png'), fullPage: true });
    await page.close();
  });

  it('a bundle with one byte changed shows which check failed', async () => {
    const text = readFileSync(join(VECTORS, 'valid.json'), 'utf8');
    const changed = join(dir, 'one-byte-changed.json');
    const at = text.indexOf('"recommender"') + 5;
    writeFileSync(changed, text.slice(0, at) + (text[at] === 'm' ? 'n' : 'm') + text.slice(at + 1));
    const { page, shown } = await pick(changed, false);
    expect(shown.state).toBe('failed');
    expect(shown.verdict).toContain('Not verified: hashes');
    const hashes = shown.checks.find((c) => c.check === 'hashes')!;
    expect(hashes.ok).toBe(false);
    expect(hashes.text).toContain('HASH_MISMATCH');
    expect(shown.reasons).toEqual([]);
    await page.screenshot({ path: join(RESULTS, 'bundle-one-byte-changed.png'), fullPage: true });
    await page.close();
  });

  for (const v of manifest.vectors) {
    it(`vector ${v.file}: ${v.expected.ok ? `verified, ${v.expected.verdict}` : `${v.expected.failed} failed`}`, async () => {
      const { page, shown } = await pick(join(VECTORS, v.file), true);
      if (v.expected.ok) {
        expect(shown.state).toBe(v.expected.verdict);
        if (v.expected.codes) for (const c of v.expected.codes) expect(shown.reasons.join('\n')).toContain(c);
      } else {
        expect(shown.state).toBe('failed');
        const failed = shown.checks.find((c) => c.check === v.expected.failed)!;
        expect(failed.ok).toBe(false);
        expect(failed.text).toContain(v.expected.code);
      }
      await page.close();
    });
  }

  it('shows hostile text in a bundle as text: nothing in it runs or loads', async () => {
    const payload = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
    const s = await scenario([collected(), disclosed('marketing', { recipient: payload })]);
    const file = join(dir, 'hostile.json');
    writeFileSync(file, JSON.stringify(await s.ledger.prove(s.judged)));
    const keyFile = join(dir, 'scenario.pub');
    writeFileSync(keyFile, JSON.stringify({ keyId: s.signer.keyId, algorithm: 'Ed25519', publicKey: Buffer.from(s.signer.publicKey).toString('hex') }));
    const page = await browser.context.newPage();
    page.on('request', (r) => void (r.url() !== `file://${PAGE}` && requests.push(r.url())));
    await page.goto(`file://${PAGE}`);
    await page.setInputFiles('#keys', keyFile);
    await page.setInputFiles('#bundle', file);
    await page.waitForSelector('body[data-done="true"]');
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('violation');
    expect(await page.textContent('#reasons')).toContain(payload); // shown, as written
    expect(await page.$$('#reasons img, #reasons script, #checks img')).toHaveLength(0);
    expect(await page.title()).not.toBe('pwned');
    await page.close();
  });

  it('refuses a key file that is not one, saying so', async () => {
    const page = await browser.context.newPage();
    await page.goto(`file://${PAGE}`);
    const bad = join(dir, 'not-a-key.pub');
    writeFileSync(bad, '{"keyId": "x"}');
    await page.setInputFiles('#keys', bad);
    await page.setInputFiles('#bundle', join(VECTORS, 'valid.json'));
    await page.waitForFunction(() => document.getElementById('verdict')!.dataset.state === 'failed');
    expect(await page.textContent('#verdict')).toContain('not a public key file');
    await page.close();
  });
});
