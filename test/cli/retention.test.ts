import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';
import { validate } from '../helpers/schemas.js';

const AT = '2026-11-02T00:00:00Z';

interface Due {
  kind: 'erasure-request' | 'retention';
  subject: string;
  eventId: string;
  dueBy: string;
  status: 'open' | 'overdue';
  categories?: string[];
}

describe.skipIf(!built)('privacy-ledger retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-cli-retention-'));
  const ledger = ['--ledger', join(dir, 'demo.db')];
  let audit: { violations: { code: string; eventId: string; subject?: string }[] };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    const demo = cli(['demo', '--dir', dir, '--subjects', '20', '--at', AT]);
    expect(demo.status, demo.stderr).toBe(0);
    audit = JSON.parse(cli(['audit', ...ledger, '--at', AT, '--json']).stdout);
  }, 120_000);

  it('lists what must be erased by when, the overdue items being the audit’s ERASURE_OVERDUE and RETENTION_EXCEEDED', () => {
    const r = cli(['retention', ...ledger, '--at', AT, '--json']);
    expect(r.status, r.stderr).toBe(2);
    const doc = JSON.parse(r.stdout) as { command: string; at: string; due: Due[]; integrity: { findings: unknown[] } };
    expect(doc.command).toBe('retention');
    expect(validate('retention', doc)).toEqual([]);
    expect(doc.integrity.findings).toEqual([]);
    const overdue = doc.due.filter((d) => d.status === 'overdue');
    expect(overdue.map((d) => d.kind).sort()).toEqual(expect.arrayContaining(['erasure-request', 'retention']));
    const planted = audit.violations.filter((v) => v.code === 'ERASURE_OVERDUE' || v.code === 'RETENTION_EXCEEDED');
    expect(planted.length).toBeGreaterThanOrEqual(2);
    for (const v of planted) expect(overdue.map((d) => d.eventId)).toContain(v.eventId);
    for (const d of overdue) expect(Date.parse(d.dueBy)).toBeLessThan(Date.parse(AT));
    // The operator's key store still opens every subject: ids are shown, not pseudonyms.
    expect(doc.due.some((d) => d.subject.startsWith('ps-'))).toBe(false);
  });

  it('retention --json is held to its schema: it refuses an unknown status, a time with an offset, a missing integrity, anything extra', () => {
    const good = JSON.parse(cli(['retention', ...ledger, '--at', AT, '--json']).stdout) as { due: Record<string, unknown>[]; [k: string]: unknown };
    expect(validate('retention', good)).toEqual([]);
    const item = good.due[0]!;
    const withItem = (over: Record<string, unknown>) => ({ ...good, due: [{ ...item, ...over }] });
    expect(validate('retention', withItem({ status: 'late' }))).not.toEqual([]);
    expect(validate('retention', withItem({ dueBy: '2026-11-02T01:00:00+01:00' }))).not.toEqual([]);
    expect(validate('retention', withItem({ kind: 'deletion' }))).not.toEqual([]);
    expect(validate('retention', withItem({ categories: [] }))).not.toEqual([]);
    expect(validate('retention', withItem({ note: 'extra' }))).not.toEqual([]);
    expect(validate('retention', { ...good, integrity: undefined })).not.toEqual([]);
    expect(validate('retention', { ...good, at: '2026-11-02T00:00:00.000Z' })).not.toEqual([]);
  });

  it('prints the same list as text, overdue first named as such', () => {
    const r = cli(['retention', ...ledger, '--at', AT]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/What must be erased, at 2026-11-02T00:00:00Z: \d+ item\(s\), [1-9]\d* overdue/);
    expect(r.stdout).toMatch(/^ {2}OVERDUE .* erasure request {2}subject /m);
  });

  it('refuses a time that is not ISO-8601, and a ledger that does not exist, naming them', () => {
    const bad = cli(['retention', ...ledger, '--at', 'yesterday']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--at must be an ISO-8601 UTC time');
    const missing = cli(['retention', '--ledger', join(dir, 'nope.db')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.db');
  });
});
