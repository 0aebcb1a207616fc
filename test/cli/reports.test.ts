import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, built, cli } from '../helpers/run.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ strict: true, allErrors: true })).compile(
  JSON.parse(readFileSync(join(ROOT, 'schemas/iso27560-consent-records.schema.json'), 'utf8')),
);

const AT = '2026-10-31T00:00:00Z';

describe.skipIf(!built)('report formats on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-formats-'));
  const ledger = ['--ledger', join(dir, 'demo.db'), '--at', AT];
  let demo: { stdout: string };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    const r = cli(['demo', '--dir', dir, '--subjects', '40', '--at', AT]);
    expect(r.status, r.stderr).toBe(0);
    demo = r;
  }, 60_000);

  it('the demo writes report.html and the CSV tables, and says where', () => {
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<h1>Compliance audit</h1>');
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['disclosures.csv', 'obligations.csv', 'uses.csv', 'violations.csv']);
    expect(demo.stdout).toMatch(/For a regulator: \S*report\.html .* and \S*csv\/violations\.csv, \S*csv\/disclosures\.csv, \S*csv\/uses\.csv, \S*csv\/obligations\.csv\./);
  });

  it('--json and --format json write the same document, with the rules it names from the catalogue', () => {
    const a = cli(['audit', ...ledger, '--json']);
    const b = cli(['audit', ...ledger, '--format', 'json']);
    expect(a.status).toBe(2);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
    const doc = JSON.parse(a.stdout);
    expect(Object.keys(doc.rules).sort()).toEqual(Object.keys(doc.summary.byCode).sort());
    expect(doc.rules.ACCESS_WITHOUT_GRANT.title).toBe('Staff access without grant');
  });

  it('--format html --out writes one file and says where', () => {
    const out = join(dir, 'report.html');
    const r = cli(['audit', ...ledger, '--format', 'html', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    const s = cli(['report', ...ledger, '--subject', 'u-0000', '--format', 'html']);
    expect(s.status).toBe(0);
    expect(s.stdout).toContain('Subject access report: <code>u-0000</code>');
  });

  it('--format csv --out DIR writes the four tables; --table writes one', () => {
    const out = join(dir, 'csv');
    const r = cli(['audit', ...ledger, '--format', 'csv', '--out', out]);
    expect(r.status).toBe(2);
    expect(readdirSync(out).sort()).toEqual(['disclosures.csv', 'obligations.csv', 'uses.csv', 'violations.csv']);
    const one = cli(['audit', ...ledger, '--format', 'csv', '--table', 'violations']);
    expect(one.stdout).toBe(readFileSync(join(out, 'violations.csv'), 'utf8'));
    expect(one.stdout.split('\r\n')[0]).toBe('code,title,at,event_id,subject,message,evidence,rule,prove');
    expect(one.stdout.split('\r\n').length - 2).toBe(11);
  });

  it('consents --format iso27560 writes records for one subject or all', () => {
    const args = ['consents', ...ledger, '--controller', 'demo-controller', '--withdrawal-method', 'Settings > Privacy'];
    const all = JSON.parse(cli(args).stdout);
    expect(all.profile).toBe('https://w3id.org/dpv/schema/iso-27560#record');
    expect(all.records.length).toBeGreaterThan(5);
    expect(validate(all), JSON.stringify(validate.errors)).toBe(true);
    expect(all.records.some((r: { events: { status: string }[] }) => r.events.some((e) => e.status === 'dpv:ConsentWithdrawn'))).toBe(true);
    const subject = all.records[0].piiPrincipalId;
    const one = cli([...args, '--subject', subject, '--format', 'iso27560']);
    expect(one.status).toBe(0);
    expect(JSON.parse(one.stdout).records.every((r: { piiPrincipalId: string }) => r.piiPrincipalId === subject)).toBe(true);
  });

  it('refuses what it cannot do, naming the option, and writes nothing', () => {
    const refusals: [string[], string][] = [
      [['audit', ...ledger, '--format', 'pdf'], '--format must be one of text, json, html, csv, not "pdf"'],
      [['audit', ...ledger, '--json', '--format', 'html'], '--json is --format json; it cannot be combined with --format html'],
      [['audit', ...ledger, '--format', 'csv'], 'give --out DIR for all of them, or --table NAME for one'],
      [['audit', ...ledger, '--format', 'csv', '--table', 'everything'], '--table must be one of violations, disclosures, uses, obligations'],
      [['audit', ...ledger, '--table', 'uses'], '--table is for --format csv'],
      [['audit', ...ledger, '--format', 'html', '--out', dir], 'is a directory; give a file name'],
      [['audit', ...ledger, '--format', 'html', '--out', join(dir, 'missing', 'r.html')], 'cannot write'],
      [['report', ...ledger, '--subject', 'u-1', '--format', 'csv'], '--format must be one of text, json, html, not "csv"'],
      [['consents', ...ledger, '--withdrawal-method', 'x'], '--controller ID (the controller a consent record names) is required'],
      [['consents', ...ledger, '--controller', 'c'], '--withdrawal-method TEXT (how a subject withdraws consent) is required'],
      [['consents', ...ledger, '--controller', 'c', '--withdrawal-method', 'x', '--format', 'kantara'], '--format must be one of iso27560'],
    ];
    for (const [args, message] of refusals) {
      const r = cli(args);
      expect([args.join(' '), r.status]).toEqual([args.join(' '), 1]);
      expect(r.stderr).toContain(message);
    }
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('on a tampered ledger, the HTML audit shows the finding and consents exits 3', () => {
    const tampered = join(dir, 'tampered.db');
    copyFileSync(join(dir, 'demo.db'), tampered);
    const db = new Database(tampered);
    const row = db.prepare("SELECT id, data FROM events WHERE type = 'ConsentGranted' LIMIT 1").get() as { id: string; data: string };
    db.prepare('UPDATE events SET data = ? WHERE id = ?').run(row.data.replace('"personalization"', '"marketing"'), row.id);
    db.close();
    const t = ['--ledger', tampered, '--at', AT];
    const html = join(dir, 'tampered.html');
    expect(cli(['audit', ...t, '--format', 'html', '--out', html]).status).toBe(3);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Integrity findings:');
    expect(page).toContain(`<td><code>${row.id}</code></td>`);
    const c = cli(['consents', ...t, '--controller', 'c', '--withdrawal-method', 'x']);
    expect(c.status).toBe(3);
    expect(c.stderr).toContain('INTEGRITY FAILURE: 1 finding(s)');
  });

  it('a CSV directory that is a file is refused; an existing report is replaced whole', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'keep me');
    const r = cli(['audit', ...ledger, '--format', 'csv', '--out', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is a file');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const out = join(dir, 'again.html');
    writeFileSync(out, 'old');
    expect(cli(['audit', ...ledger, '--format', 'html', '--out', out]).status).toBe(2);
    expect(readFileSync(out, 'utf8').startsWith('<!DOCTYPE html>')).toBe(true);
  });
});
