import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, cli, ROOT, runNode } from './helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('examples', () => {
  const ledger = join(dir, 'newsletter.db');
  const keys = join(dir, 'keys');

  it('the service records as it works, asks before a use, and refuses what it may not do', () => {
    expect(cli(['keygen', '--out', keys, '--id', 'newsletter']).status).toBe(0);
    const r = runNode(join(ROOT, 'dist/examples/service.js'), ['--self-test', '--ledger', ledger, '--key', join(keys, 'newsletter.key')]);
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

    const facts = join(dir, 'leak.jsonl');
    writeFileSync(facts, JSON.stringify({ type: 'DataDisclosed', at: new Date().toISOString(), subject: 'u-42', categories: ['user.contact.email'], recipient: 'list-broker', reason: 'we-sold-it', actor: 'growth' }) + '\n');
    // A key the ledger never endorsed cannot record into it.
    expect(cli(['keygen', '--out', keys, '--id', 'intruder']).status).toBe(0);
    const refused = cli(['import', facts, '--key', join(keys, 'intruder.key'), '--ledger', ledger]);
    expect(refused.stderr).toContain('key "intruder" is not registered in this ledger');
    expect(refused.status).toBe(1);
    expect(cli(['import', facts, '--key', join(keys, 'newsletter.key'), '--ledger', ledger]).status).toBe(0);

    const dirty = runNode(join(ROOT, 'dist/examples/audit-script.js'), [ledger]);
    expect(dirty.stdout).toMatch(/VIOLATION DISCLOSURE_WITHOUT_REASON .* \(u-42\)/);
    expect(dirty.status).toBe(2);
  });
});
