// On the demo's realistic ledger (many subjects, staff, incidents, policy revisions, every
// planted violation), bundles of a sample of uses, disclosures and accesses and of every
// planted violation a bundle can prove: each verifies, and its verdict is the audit's.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { loadTrustedKey, type TrustedKey } from '../../src/seal/keys.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { verifyBundle } from '../../src/verify.js';
import { built, cli } from '../helpers/run.js';

const AT = '2026-06-30T12:00:00Z';

describe.skipIf(!built)('bundles on the demo ledger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-bundle-demo-'));
  let ledger: Ledger;
  let trust: TrustedKey[];
  afterAll(async () => {
    await ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    expect(cli(['demo', '--dir', dir, '--subjects', '40', '--at', AT]).status).toBe(0);
    const pub = readdirSync(join(dir, 'keys')).find((f) => f.endsWith('.pub'))!;
    trust = [await loadTrustedKey(join(dir, 'keys', pub))];
    ledger = await openLedger({ store: sqliteStore(join(dir, 'demo.db')), trust });
  });

  it('every sampled verdict round-trips and equals the audit\'s, every provable planted violation included', async () => {
    const { report } = await ledger.audit({ at: AT, keepEveryVerdict: true });
    const judged = [...report.uses, ...report.accesses, ...report.disclosures];
    const violating = new Set(report.violations.filter((v) => !['DISCLOSURE_NOT_NOTIFIED', 'INCIDENT_NOT_REPORTED', 'INCIDENT_SUBJECTS_NOT_NOTIFIED', 'POLICY_CHANGE_NOT_NOTIFIED'].includes(v.code)).map((v) => v.eventId));
    const sample = [...new Set([...judged.filter((_, i) => i % Math.ceil(judged.length / 24) === 0).map((v) => v.eventId), ...[...violating].filter((id) => judged.some((v) => v.eventId === id))])];
    expect(sample.length).toBeGreaterThan(20);
    const codes = new Set<string>();
    for (const id of sample) {
      const bundle = await ledger.prove(id);
      const r = await verifyBundle(JSON.stringify(bundle), { trust });
      expect(r.failed, `${id}: ${JSON.stringify(r.checks.filter((c) => !c.ok))}`).toEqual([]);
      expect(r.derived).toEqual(bundle.verdict);
      const audited = judged.find((v) => v.eventId === id)!;
      // Deadlines aside (a bundle judges a disclosure's notice as of its recording), the audit's verdict.
      const auditCodes = report.violations.filter((v) => v.eventId === id && v.code !== 'DISCLOSURE_NOT_NOTIFIED').map((v) => v.code).sort();
      expect(bundle.verdict.violations.map((v) => v.code).sort(), id).toEqual(auditCodes);
      if (auditCodes.length === 0 && audited.verdict === 'ok') expect(bundle.verdict.basis).toBe(audited.basis);
      for (const c of auditCodes) codes.add(c);
    }
    expect([...codes].sort()).toEqual(['ACCESS_WITHOUT_GRANT', 'CONSENT_WITHDRAWN', 'DISCLOSURE_MISSING_REFERENCE', 'DISCLOSURE_WITHOUT_REASON', 'PURPOSE_NOT_DECLARED', 'RECONSENT_REQUIRED', 'USE_AFTER_ERASURE', 'USE_WITHOUT_COLLECTION']);
  }, 240_000);
});
