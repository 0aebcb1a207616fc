import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, cli, ROOT, runNode } from './helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('examples', () => {
  const ledger = join(dir, 'newsletter.db');

  it('the service records as it works, asks before a use, and refuses what it may not do', () => {
    const r = runNode(join(ROOT, 'dist/examples/service.js'), ['--self-test', '--ledger', ledger]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('POST /newsletter/u-42 -> 403 {"refused":["PURPOSE_NOT_DECLARED"]');
    expect(r.stdout).toMatch(/POST \/newsletter\/u-42 -> 200 \{"sent":true,"basis":"consent"/);
    expect(r.stdout).toContain('self-test passed');
    expect(r.status).toBe(0);
  });

  it('the Express middleware judges and records each use before its route runs, and refuses an unlawful one with 403', () => {
    const r = runNode(join(ROOT, 'dist/examples/express-middleware.js'), ['--self-test', '--ledger', join(dir, 'shop.db')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('GET /users/u-7/orders -> 403 {"refused":["USE_WITHOUT_COLLECTION"]');
    expect(r.stdout).toContain('GET /users/u-7/recommendations -> 403 {"refused":["PURPOSE_NOT_DECLARED"]');
    expect(r.stdout).toContain('GET /users/u-7/recommendations -> 200 {"picks":["tea","cups"],"basis":"consent"}');
    expect(r.stdout).toContain('POST /users/jane@example.com/signup -> 400');
    expect(r.stdout).toContain('audit: 2 uses recorded, 0 violations');
    expect(r.stdout).toContain('self-test passed');
    expect(r.status).toBe(0);
  });

  it('the audit script passes the service’s ledger, then fails it once a violation is recorded', () => {
    const clean = runNode(join(ROOT, 'dist/examples/audit-script.js'), [ledger]);
    expect(clean.stdout).toMatch(/0 integrity findings; 2 uses, 0 disclosures, 0 violations/);
    expect(clean.status).toBe(0);

    const keys = join(dir, 'keys');
    expect(cli(['keygen', '--out', keys, '--id', 'ops']).status).toBe(0);
    const facts = join(dir, 'leak.jsonl');
    writeFileSync(facts, JSON.stringify({ type: 'DataDisclosed', at: '2026-11-01T10:00:00Z', subject: 'u-42', categories: ['user.contact.email'], recipient: 'list-broker', reason: 'we-sold-it', actor: 'growth' }) + '\n');
    expect(cli(['import', facts, '--key', join(keys, 'ops.key'), '--ledger', ledger]).status).toBe(0);

    const dirty = runNode(join(ROOT, 'dist/examples/audit-script.js'), [ledger]);
    expect(dirty.stdout).toMatch(/VIOLATION DISCLOSURE_WITHOUT_REASON .* \(u-42\)/);
    expect(dirty.status).toBe(2);
  });
});
