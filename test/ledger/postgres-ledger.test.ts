import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { postgresStore } from '../../src/store/postgres.js';
import { sampleFacts } from '../fixtures/facts.js';
import { built, cliAsync, runBenchmarkAsync } from '../helpers/run.js';
import { freshSchema, postgresTestStore, postgresUnderTest, withClient } from '../helpers/postgres.js';

// The whole ledger over PostgreSQL: record, verify and audit, two writers racing on separate pools,
// and the CLI given a postgres:// ledger. Envelopes come back from a text column, parsed anew.
const { DataCollected, DataUsed } = sampleFacts;
const cliSchemas: string[] = [];
afterAll(() => withClient(async (c) => void (await Promise.all(cliSchemas.map((s) => c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`))))));

describe(`a ledger on PostgreSQL (${postgresUnderTest().dir ? 'a throwaway cluster' : 'the PGURL server'})`, () => {
  it('records across streams in one transaction and audits clean', async () => {
    const ledger = await openLedger({ store: postgresTestStore(), signer: nodeSigner(randomSeed()) });
    // History dated in the past: recorded as declared backfill, judged by its own times.
    await ledger.record([DataCollected, { ...DataCollected, subject: 'u-2' }, DataUsed, { ...DataUsed, subject: 'u-2' }], { backfill: true });
    await ledger.record({ ...DataUsed, purpose: 'personalization' }, { backfill: true });
    const { integrity, report } = await ledger.audit({ at: '2026-04-01T00:00:00Z' });
    expect(integrity.findings).toEqual([]);
    expect(integrity.checked).toBe(7);
    expect(report.violations.map((v) => v.code)).toEqual(['PURPOSE_NOT_DECLARED']);
    await ledger.close();
  });

  it('a record() spanning subjects is all or nothing: one stale stream writes none of it', async () => {
    const schema = freshSchema();
    const store = postgresTestStore({ schema });
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    await ledger.record(DataCollected);
    const e = await store.appendMany!([
      { stream: 'subject-u-3', events: [{ id: crypto.randomUUID(), type: 'X', data: {} }], expected: 'no_stream' },
      { stream: 'subject-u-1', events: [{ id: crypto.randomUUID(), type: 'X', data: {} }], expected: 'no_stream' },
    ]).catch((error: unknown) => error);
    expect(e).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', details: { stream: 'subject-u-1' } });
    expect(await store.lastEvent('subject-u-3')).toBeUndefined();
    expect((await ledger.verify()).findings).toEqual([]);
    await ledger.close();
  });

  it('two writers on separate pools racing on one subject stream leave one unbroken chain', async () => {
    const schema = freshSchema();
    // Two processes of one service, signing with its key.
    const seed = randomSeed();
    const [a, b] = await Promise.all([0, 1].map(() => openLedger({ store: postgresTestStore({ schema }), signer: nodeSigner(seed) })));
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a! : b!).record([
        { ...DataUsed, at: `2026-03-01T10:${String(i).padStart(2, '0')}:00Z` },
        { ...DataUsed, subject: `v-${i}`, at: `2026-03-01T10:${String(i).padStart(2, '0')}:00Z` },
      ]),
    );
    const shared = (await Promise.all(writes)).flat().filter((r) => r.stream === 'subject-u-1').map((r) => r.revision);
    expect(shared.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const { findings, checked } = await a!.verify();
    expect(findings).toEqual([]);
    expect(checked).toBe(80 + 2); // one KeyRegistered, one PolicyPublished
    await Promise.all([a!.close(), b!.close()]);
  });

  it.skipIf(!built)('the CLI verifies and audits a postgres:// ledger; postgresql:// names the same one', async () => {
    const schema = freshSchema();
    cliSchemas.push(schema);
    const url = new URL(postgresUnderTest().url);
    url.searchParams.set('schema', schema);
    const ledger = await openLedger({ store: postgresStore(url.toString()), signer: nodeSigner(randomSeed()) });
    await ledger.record([DataCollected, { ...DataUsed, purpose: 'personalization' }], { backfill: true });
    await ledger.close();
    const verify = await cliAsync(['verify', '--ledger', url.toString()]);
    expect(verify.stdout).toContain(`in postgres://${url.host}/postgres (schema ${schema})`);
    expect(verify.status).toBe(0);
    const audit = await cliAsync(['audit', '--ledger', url.toString().replace(/^postgres:/, 'postgresql:'), '--at', '2026-04-01T00:00:00Z', '--json']);
    expect(audit.status).toBe(2);
    const prefixed = await cliAsync(['verify', '--ledger', url.toString(), '--prefix', 'acme-']);
    expect(prefixed.status).toBe(1);
    expect(prefixed.stderr).toContain('?schema=');
    const json = JSON.parse(audit.stdout) as { ledger: string; violations: { code: string }[] };
    expect(json.ledger).toBe(`postgresql://${url.host}/postgres (schema ${schema})`);
    expect(json.violations.map((v) => v.code)).toEqual(['PURPOSE_NOT_DECLARED']);
  });

  it.skipIf(!built)('the append benchmark measures SQLite and PostgreSQL in the same run, stating synchronous_commit, and drops its schemas', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-pg-bench-'));
    try {
      const json = join(dir, 'samples.json');
      const r = await runBenchmarkAsync('append', ['--ledger', postgresUnderTest().url, '--events', '600', '--subjects', '6', '--batch', '50', '--json', json]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/and PostgreSQL [\d.]+.*synchronous_commit=(on|off|local|remote_write|remote_apply), fsync=/);
      for (const figure of ['sealed \\+ signed, per-event', 'sealed \\+ signed, per-batch', 'verify replay, per-event sigs']) {
        expect(r.stdout).toMatch(new RegExp(`${figure} \\(SQLite\\) +[\\d,.]+ events/s`));
        expect(r.stdout).toMatch(new RegExp(`${figure} \\(PostgreSQL\\) +[\\d,.]+ events/s`));
        expect(r.stdout).toMatch(new RegExp(`${figure}: PostgreSQL / SQLite +[\\d.]+x`));
      }
      expect(r.status).toBe(0);
      // The verify replay checked every event of the ledger: the 600 facts and the ledger's own two.
      const samples = (JSON.parse(readFileSync(json, 'utf8')) as { samples: { figure: string; count: number }[] }).samples;
      expect(samples.filter((s) => s.figure.startsWith('verify replay')).map((s) => s.count)).toEqual([602, 602]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const left = await withClient((c) => c.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    expect(left.rows).toEqual([]);
  });

  it.skipIf(!built)('the CLI imports into a postgres:// ledger and reports on a subject from it; a second import records nothing twice', async () => {
    const schema = freshSchema();
    cliSchemas.push(schema);
    const url = new URL(postgresUnderTest().url);
    url.searchParams.set('schema', schema);
    const dir = mkdtempSync(join(tmpdir(), 'pl-pg-cli-'));
    try {
      expect((await cliAsync(['keygen', '--out', dir, '--id', 'ops'])).status).toBe(0);
      const facts = join(dir, 'facts.jsonl');
      writeFileSync(facts, [DataCollected, DataUsed].map((f) => JSON.stringify(f)).join('\n') + '\n');
      const first = await cliAsync(['import', facts, '--key', join(dir, 'ops.key'), '--ledger', url.toString(), '--backfill']);
      expect(first.stdout).toContain(`imported 2 fact(s) into postgres://${url.host}/postgres (schema ${schema})`);
      const again = await cliAsync(['import', facts, '--key', join(dir, 'ops.key'), '--ledger', url.toString(), '--backfill']);
      expect(again.stdout).toContain('2 already recorded');
      const report = await cliAsync(['report', '--subject', DataUsed.subject, '--ledger', url.toString(), '--json']);
      expect(report.status).toBe(0);
      expect(report.stdout).toContain(DataUsed.purpose);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!built)('the demo records into a postgres:// ledger in a fresh schema, and finds what it planted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-pg-demo-'));
    try {
      const r = await cliAsync(['demo', '--dir', dir, '--subjects', '40', '--ledger', postgresUnderTest().url]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/planted 13 violations; the audit found 13 of them on the very fact planted, and nothing else/);
      const schema = /in the fresh schema (demo_[a-z0-9]+)/.exec(r.stdout)?.[1];
      expect(schema).toBeDefined();
      cliSchemas.push(schema!);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
