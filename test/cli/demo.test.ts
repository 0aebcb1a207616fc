import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const num = (s: string) => Number(s.replace(/,/g, ''));

describe.skipIf(!built)('the demo', () => {
  const demoDir = join(dir, 'demo');
  let first = '';

  it('is dated back from --at, and its summary numbers agree with each other', () => {
    const r = cli(['demo', '--dir', demoDir, '--subjects', '80', '--at', '2026-06-30T12:00:00Z'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    first = r.stdout;
    const [, facts, people, lives, stories] = /Recording ([\d,]+) facts about ([\d,]+) people \(([\d,]+) everyday lives and ([\d,]+) planted stories\), the sixty days to 2026-06-30T12:00:00Z/.exec(first)!;
    expect(num(lives!) + num(stories!)).toBe(num(people!));
    expect(num(lives!)).toBe(80);
    const [, events, again, own] = /all ([\d,]+) events verify \(the ([\d,]+) facts, and ([\d,]+) the ledger records itself/.exec(first)!;
    expect(num(again!)).toBe(num(facts!));
    expect(num(events!)).toBe(num(facts!) + num(own!));
    const [, audited, subjects] = /([\d,]+) facts about ([\d,]+) subjects/.exec(first)!;
    expect(num(audited!)).toBe(num(events!));
    expect(num(subjects!)).toBe(num(people!));
    expect(first).toContain('Compliance audit at 2026-06-30 12:00 UTC');
  });

  it('suggests commands that reproduce exactly what it reported', () => {
    const lines = first.split('\n').filter((l) => l.startsWith('  npx privacy-ledger ') && !l.includes('verify-bundle'));
    expect(lines).toHaveLength(5);
    const args = (line: string) => line.replace('  npx privacy-ledger ', '').replace(/\s*>.*$/, '').trim().split(/\s+/);
    const [verify, audit, report, html] = lines.slice(0, 4).map(args);
    expect(cli(html!, dir).status).toBe(0);
    expect(audit).toContain('--at');
    expect(cli(verify!, dir).status).toBe(0);
    const json = JSON.parse(cli(audit!, dir).stdout) as { violations: unknown[]; summary: { facts: number } };
    expect(json.violations).toHaveLength(11);
    expect(first).toContain(`${json.summary.facts.toLocaleString('en-US')} facts about`);
    expect(cli(report!, dir).status).toBe(0); // u-0000 lives lawfully
    // Without the pinned time, the same audit judges at another moment: the demo pins it for that reason.
    expect(cli(audit!.filter((a, i, all) => a !== '--at' && all[i - 1] !== '--at'), dir).stdout).not.toBe(cli(audit!, dir).stdout);
  });

  it('ends with a lawful and a violation bundle, and verify-bundle commands that verify them', () => {
    const lines = first.split('\n').filter((l) => l.startsWith('  npx privacy-ledger verify-bundle '));
    expect(lines).toHaveLength(2);
    expect(first).toMatch(/bundle-lawful\.json {2}a lawful use: DataUsed ok on /);
    expect(first).toMatch(/bundle-violation\.json {2}the planted [A-Z_]+: \w+ violation [A-Z_]+/);
    expect(first).toContain('personal data');
    for (const line of lines) {
      const r = cli(line.replace('  npx privacy-ledger ', '').trim().split(/\s+/), dir);
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toContain('VERIFIED: ');
    }
  });

  it('refuses to overwrite an earlier demo without --force, and replaces it with', () => {
    const again = cli(['demo', '--dir', demoDir, '--subjects', '20'], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('holds the ledger of an earlier demo: pass --force to replace it');
    const forced = cli(['demo', '--dir', demoDir, '--subjects', '20', '--force'], dir);
    expect(forced.stdout).toContain('20 everyday lives');
    expect(forced.status).toBe(0);
    const future = cli(['demo', '--dir', join(dir, 'future'), '--at', '2999-01-01T00:00:00Z'], dir);
    expect(future.stderr).toContain('is in the future');
    expect(future.status).toBe(1);
  });
});
