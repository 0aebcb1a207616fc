import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (d: number) => `2026-10-${String(d).padStart(2, '0')}T09:00:00Z`;
const jsonl = (...facts: object[]) => facts.map((f) => JSON.stringify(f)).join('\n') + '\n';

const good = jsonl(
  { type: 'DataCollected', at: at(1), subject: 'u-1', categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' },
  { type: 'DataUsed', at: at(2), subject: 'u-1', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' },
  { type: 'DataUsed', at: at(3), subject: 'u-1', categories: ['user.contact.email'], purpose: 'personalization', actor: 'recommender' },
);

describe.skipIf(!built)('privacy-ledger CLI', () => {
  const ledger = join(dir, 'ledger.db');
  const keys = join(dir, 'keys');
  const key = join(keys, 'ops.key');
  const pub = join(keys, 'ops.pub');
  const countRows = () => {
    const db = new Database(ledger, { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    db.close();
    return n;
  };

  beforeAll(() => {
    const r = cli(['keygen', '--out', keys, '--id', 'ops']);
    expect(r.status).toBe(0);
  });

  it('keygen writes a 0600 secret and a public key, and needs --out', () => {
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(pub, 'utf8'))).toMatchObject({ keyId: 'ops', algorithm: 'Ed25519' });
    const r = cli(['keygen']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--out DIR is required');
  });

  it('import refuses a file with bad lines, naming each line and field, and appends nothing', () => {
    const file = join(dir, 'bad.jsonl');
    const lines = good.split('\n');
    writeFileSync(file, [lines[0], '{"type": "DataUsed", oops', lines[1], JSON.stringify({ ...JSON.parse(lines[2]!), categories: ['Bad Category'] })].join('\n'));
    const r = cli(['import', file, '--key', key, '--ledger', ledger, '--backfill']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:2: (line): not JSON`);
    expect(r.stderr).toContain(`${file}:4: categories.0: expected Category, got "Bad Category"`);
    expect(r.stderr).toContain('2 bad line(s)');
    expect(() => countRows()).toThrow(); // no ledger file was even created
  });

  it('import records a good file, and a second import of it records nothing twice', () => {
    const file = join(dir, 'good.jsonl');
    writeFileSync(file, good);
    const first = cli(['import', file, '--key', key, '--ledger', ledger, '--backfill']);
    expect(first.stdout).toContain('imported 3 fact(s)');
    expect(first.status).toBe(0);
    const rows = countRows();
    const again = cli(['import', file, '--key', key, '--ledger', ledger, '--backfill']);
    expect(again.stdout).toContain('imported 0 fact(s)');
    expect(again.stdout).toContain('3 already recorded');
    expect(countRows()).toBe(rows);
    expect(cli(['import', file, '--ledger', ledger]).stderr).toContain('--key FILE is required');
  });

  it('import refuses a file that uses one id twice, and names the line that reuses an id recorded for another fact', () => {
    const id = '01900000-0000-7000-8000-0000000000aa';
    const [first, second] = good.split('\n').map((l) => (l ? { ...JSON.parse(l), id } : l));
    const twice = join(dir, 'twice.jsonl');
    writeFileSync(twice, jsonl(first!, second!));
    const r = cli(['import', twice, '--key', key, '--ledger', ledger, '--backfill']);
    expect(r.stderr).toContain(`${twice}:2: id: id ${id} is already used on line 1`);
    expect(r.status).toBe(1);

    const rows = countRows();
    const once = join(dir, 'once.jsonl');
    writeFileSync(once, jsonl(first!));
    expect(cli(['import', once, '--key', key, '--ledger', ledger, '--backfill']).status).toBe(0);
    const clash = join(dir, 'clash.jsonl');
    writeFileSync(clash, jsonl({ ...JSON.parse(good.split('\n')[1]!), subject: 'u-1', at: at(9) }, { ...(second as object), subject: 'u-1' }));
    const c = cli(['import', clash, '--key', key, '--ledger', ledger, '--backfill']);
    expect(c.stderr).toContain(`${clash}:2: event id ${id} is already recorded`);
    expect(c.stderr).toContain('Nothing was recorded before it; nothing from line 1 on was recorded');
    expect(c.status).toBe(1);
    expect(countRows()).toBe(rows + 1); // the one fact of once.jsonl, nothing of clash.jsonl
  });

  it('import after an append-time error, fixed and run again, records every fact once (derived ids survive the edit)', () => {
    const big = join(dir, 'recovery.db');
    const id = '01900000-0000-7000-8000-0000000000bb';
    const seed = join(dir, 'seed.jsonl');
    writeFileSync(seed, jsonl({ ...JSON.parse(good.split('\n')[1]!), subject: 'u-1', id }));
    expect(cli(['import', seed, '--key', key, '--ledger', big]).status).toBe(0);
    const facts = Array.from({ length: 1200 }, (_, i) => ({ ...JSON.parse(good.split('\n')[0]!), subject: `u-${i}` }));
    facts[1099] = { ...JSON.parse(good.split('\n')[1]!), subject: 'u-1099', id }; // an id already recorded for u-1
    const file = join(dir, 'recovery.jsonl');
    writeFileSync(file, jsonl(...facts));
    const failed = cli(['import', file, '--key', key, '--ledger', big]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${file}:1100: event id ${id} is already recorded for another fact`);
    expect(failed.stderr).toContain('The 1000 fact(s) before line 1001 are recorded and stay recorded; nothing from line 1001 on was recorded');
    const { id: _, ...fixedLine } = facts[1099] as { id: string };
    facts[1099] = fixedLine;
    writeFileSync(file, jsonl(...facts));
    const fixed = cli(['import', file, '--key', key, '--ledger', big]);
    expect(fixed.stdout).toContain('imported 200 fact(s)');
    expect(fixed.stdout).toContain('1000 already recorded');
    const db = new Database(big, { readonly: true });
    const n = (db.prepare("SELECT count(*) AS n FROM events WHERE stream LIKE 'subject-%'").get() as { n: number }).n;
    db.close();
    expect(n).toBe(1201);
  });

  it('verify passes a clean ledger, trusting the right key, and exits 3 for a key it was not given', () => {
    const ok = cli(['verify', '--ledger', ledger, '--trust', pub]);
    expect(ok.stdout).toContain('every signature, chain link and key endorsement verifies');
    expect(ok.stdout).toContain('key ops: given with --trust');
    expect(ok.status).toBe(0);
    const otherKeys = join(dir, 'other');
    cli(['keygen', '--out', otherKeys, '--id', 'stranger']);
    const bad = cli(['verify', '--ledger', ledger, '--trust', join(otherKeys, 'stranger.pub')]);
    expect(bad.stdout).toMatch(/UNKNOWN_KEY {2}event [0-9a-f-]{36}/);
    expect(bad.status).toBe(3);
  });

  it('audit --json judges every use and exits 2 on a violation; report covers one subject', () => {
    const r = cli(['audit', '--ledger', ledger, '--at', at(20), '--json']);
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ uses: 2, violations: 1 });
    expect(report.violations).toEqual([expect.objectContaining({ code: 'PURPOSE_NOT_DECLARED', subject: 'u-1', evidence: expect.any(Array) })]);
    expect(report.uses.map((u: { verdict: string }) => u.verdict).sort()).toEqual(['ok', 'violation']);
    expect(report.uses.find((u: { verdict: string }) => u.verdict === 'ok')).toMatchObject({
      basis: 'collection-purpose',
      proof: expect.arrayContaining([expect.objectContaining({ type: 'DataCollected', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }), expect.objectContaining({ type: 'PolicyPublished' })]),
    });
    const table = cli(['audit', '--ledger', ledger, '--at', at(20)]);
    expect(table.stdout).toContain('PURPOSE_NOT_DECLARED');
    const subject = cli(['report', '--ledger', ledger, '--subject', 'u-1', '--at', at(20), '--json']);
    expect(subject.status).toBe(2); // u-1 has a violation: report says so by its exit code too
    expect(JSON.parse(subject.stdout)).toMatchObject({ subject: 'u-1' });
    expect(cli(['audit', '--ledger', ledger, '--at', 'yesterday']).stderr).toContain('--at must be an ISO-8601 UTC time');
  });

  it('verify names the event whose stored bytes were changed, and exits 3', () => {
    const db = new Database(ledger);
    const row = db.prepare("SELECT id, data FROM events WHERE type = 'DataUsed' ORDER BY position LIMIT 1").get() as { id: string; data: string };
    db.prepare('UPDATE events SET data = ? WHERE id = ?').run(row.data.replace('"purpose":"', '"purpose":"x'), row.id);
    db.close();
    const r = cli(['verify', '--ledger', ledger]);
    expect(r.stdout).toContain(`HASH_MISMATCH  event ${row.id}`);
    expect(r.status).toBe(3);
    expect(cli(['audit', '--ledger', ledger, '--at', at(20)]).status).toBe(3);
  });

  it('verify reports a row cut off mid-JSON as MALFORMED_EVENT and checks everything after it', () => {
    type Finding = { code: string; eventId: string; message: string };
    const before = (JSON.parse(cli(['verify', '--ledger', ledger, '--json']).stdout) as { findings: Finding[] }).findings;
    const db = new Database(ledger);
    const [cut, next] = db.prepare("SELECT id, data FROM events WHERE stream = (SELECT stream FROM events WHERE type = 'DataCollected' ORDER BY position LIMIT 1) ORDER BY revision LIMIT 2").all() as { id: string; data: string }[];
    db.prepare('UPDATE events SET data = ? WHERE id = ?').run(cut!.data.slice(0, -1), cut!.id);
    db.close();
    const r = cli(['verify', '--ledger', ledger, '--json']);
    expect(r.status).toBe(3);
    const { findings, checked } = JSON.parse(r.stdout) as { findings: Finding[]; checked: number };
    const added = findings.filter((f) => !before.some((b) => b.code === f.code && b.eventId === f.eventId));
    // The cut row is named, and the next envelope's link, which can no longer be proven; nothing else changed.
    expect(added).toEqual([
      expect.objectContaining({ code: 'MALFORMED_EVENT', eventId: cut!.id, message: expect.stringContaining('not JSON') }),
      expect.objectContaining({ code: 'BROKEN_CHAIN', eventId: next!.id, message: expect.stringContaining('cannot be checked: that envelope is unreadable') }),
    ]);
    expect(checked).toBe(countRows());
  });

  it('refuses an unknown command, an unknown option and an unsupported ledger with exit 1', () => {
    expect(cli(['frobnicate']).status).toBe(1);
    const opt = cli(['verify', '--ledger', ledger, '--fast']);
    expect(opt.status).toBe(1);
    expect(opt.stderr).toContain("Unknown option '--fast'");
    const url = cli(['verify', '--ledger', 'ftp://example/ledger']);
    expect(url.status).toBe(1);
    expect(url.stderr).toContain('unsupported ledger');
  });

  it('demo records a realistic workload, verifies it, and finds exactly the violations it planted', () => {
    const r = cli(['demo', '--dir', join(dir, 'demo'), '--subjects', '120']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('events verify');
    expect(r.stdout).toMatch(/planted 13 violations; the audit found 13 of them on the very fact planted, and nothing else/);
    expect(r.status).toBe(0);
    const refused = cli(['demo', '--dir', join(dir, 'demo'), '--ledger', ledger]);
    expect(refused.stderr).toContain('--ledger takes only an esdb:// or postgres:// server');
    expect(refused.status).toBe(1);
    expect(cli(['demo', '--subjects', 'many']).stderr).toContain('--subjects must be a positive whole number');
  });
});
