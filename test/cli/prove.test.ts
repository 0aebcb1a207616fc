// prove and verify-bundle end to end: a bundle written by one command, checked by the other
// with the public key alone (no ledger), a changed byte and a wrong key refused with exit 3.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-cli-prove-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLLECTED = '0190a000-0000-7000-8000-000000000001';
const USED_OK = '0190a000-0000-7000-8000-000000000002';
const USED_BAD = '0190a000-0000-7000-8000-000000000003';
const facts = [
  { id: COLLECTED, type: 'DataCollected', at: '2026-09-01T09:00:00Z', subject: 'u-1', categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' },
  { id: USED_OK, type: 'DataUsed', at: '2026-09-02T09:00:00Z', subject: 'u-1', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' },
  { id: USED_BAD, type: 'DataUsed', at: '2026-09-03T09:00:00Z', subject: 'u-1', categories: ['user.contact.email'], purpose: 'personalization', actor: 'recommender' },
];

describe.skipIf(!built)('prove and verify-bundle', () => {
  const ledger = join(dir, 'ledger.db');
  const keys = join(dir, 'keys');
  const pub = join(keys, 'ops.pub');

  beforeAll(() => {
    expect(cli(['keygen', '--out', keys, '--id', 'ops']).status).toBe(0);
    expect(cli(['keygen', '--out', keys, '--id', 'other']).status).toBe(0);
    writeFileSync(join(dir, 'facts.jsonl'), facts.map((f) => JSON.stringify(f)).join('\n') + '\n');
    expect(cli(['import', join(dir, 'facts.jsonl'), '--key', join(keys, 'ops.key'), '--ledger', ledger, '--backfill']).status).toBe(0);
  });

  it('refuses to prove without a checkpoint covering the event, then proves with the one signed', () => {
    const none = cli(['prove', '--ledger', ledger, '--event', USED_OK, '--out', join(dir, 'x.json')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no checkpoint .* covers entry/);
    expect(cli(['checkpoint', '--key', join(keys, 'ops.key'), '--ledger', ledger, '--out', join(dir, 'cp.txt')]).status).toBe(0);
    const out = join(dir, 'ok.json');
    const r = cli(['prove', '--ledger', ledger, '--event', USED_OK, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`privacy-ledger verify-bundle ${out} --trust`);
    expect(r.stdout).toContain('personal data');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const v = cli(['verify-bundle', out, '--trust', pub]);
    expect(v.status, v.stdout).toBe(0);
    expect(v.stdout).toContain('VERIFIED: DataUsed is lawful');
    expect(v.stdout).toContain('collection-purpose: the purpose is one the data was collected for');
    expect(v.stdout).toContain(`rests on DataCollected ${COLLECTED}`);
    expect(v.stdout).not.toContain('FAILED');
  });

  it('with --key, signs and records a checkpoint when none covers the event yet', () => {
    const fresh = join(dir, 'fresh.db');
    expect(cli(['import', join(dir, 'facts.jsonl'), '--key', join(keys, 'ops.key'), '--ledger', fresh, '--backfill']).status).toBe(0);
    const out = join(dir, 'fresh.json');
    const r = cli(['prove', '--ledger', fresh, '--event', USED_OK, '--out', out, '--key', join(keys, 'ops.key')]);
    expect(r.status, r.stderr).toBe(0);
    expect(cli(['verify-bundle', out, '--trust', pub]).status).toBe(0);
    // The checkpoint it signed is in the ledger, and the ledger still verifies.
    const verified = JSON.parse(cli(['verify', '--ledger', fresh, '--trust', pub, '--json']).stdout) as { findings: unknown[]; checked: number };
    expect(verified.findings).toEqual([]);
    expect(verified.checked).toBe(facts.length + 3); // the key, the policy, the checkpoint
  });

  it('proves a violation, which verifies as one (exit 0: the bundle holds), with --checkpoint given', () => {
    const out = join(dir, 'bad.json');
    expect(cli(['prove', '--ledger', ledger, '--event', USED_BAD, '--checkpoint', join(dir, 'cp.txt'), '--out', out]).status).toBe(0);
    const v = cli(['verify-bundle', out, '--trust', pub, '--json']);
    expect(v.status).toBe(0);
    const json = JSON.parse(v.stdout) as { ok: boolean; derived: { verdict: string; violations: { code: string }[] } };
    expect(json.ok).toBe(true);
    expect(json.derived.violations.map((x) => x.code)).toEqual(['PURPOSE_NOT_DECLARED']);
  });

  it('exits 3 on a changed byte and on the wrong key, naming the check; 1 without --trust or for a fact with no verdict', () => {
    const text = readFileSync(join(dir, 'ok.json'), 'utf8');
    const changed = join(dir, 'changed.json');
    writeFileSync(changed, text.replace('"mailer"', '"mailex"'));
    const v = cli(['verify-bundle', changed, '--trust', pub]);
    expect(v.status).toBe(3);
    expect(v.stdout).toContain('NOT VERIFIED');
    expect(v.stdout).toMatch(/FAILED {2}hashes: .*\n.*HASH_MISMATCH/);
    const wrong = cli(['verify-bundle', join(dir, 'ok.json'), '--trust', join(keys, 'other.pub')]);
    expect(wrong.status).toBe(3);
    expect(wrong.stdout).toContain('FAILED  signatures');
    const noTrust = cli(['verify-bundle', join(dir, 'ok.json')]);
    expect(noTrust.status).toBe(1);
    expect(noTrust.stderr).toContain('--trust LEDGER.pub is required');
    const collection = cli(['prove', '--ledger', ledger, '--event', COLLECTED, '--out', join(dir, 'c.json')]);
    expect(collection.status).toBe(1);
    expect(collection.stderr).toContain('a bundle proves the verdict of a DataUsed, DataDisclosed or PersonnelAccessed');
  });
});
